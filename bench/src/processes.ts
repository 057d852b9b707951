/**
 * @module bench/processes
 * Starting and stopping the bench's processes: servers pinned to core 0, clients to core 1,
 * every one of them stopped by its own PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const DIST = __dirname;
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Whether processes are pinned (taskset exists and works). */
export const pinned = hasTaskset;

/** A JavaScript runtime a server can run on (bun and deno come from the root's dev dependencies). */
export type Runtime = 'node' | 'bun' | 'deno';

const ROOT_BIN = join(__dirname, '..', '..', 'node_modules', '.bin');

// The command line that runs a CommonJS file on a runtime. Deno only treats `.cjs` files as CommonJS,
// so it starts a one-line `.cjs` entry that requires the compiled server.
function commandFor(runtime: Runtime, args: string[]): [string, string[]] {
  if (runtime === 'bun') return [join(ROOT_BIN, 'bun'), args];
  if (runtime === 'deno') {
    const [file, ...rest] = args;
    return [
      join(ROOT_BIN, 'deno'),
      ['run', '--allow-all', '--no-lock', '--quiet', join(__dirname, '..', 'deno-entry.cjs'), file!, ...rest],
    ];
  }
  return [process.execPath, args];
}

function start(
  core: number,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  runtime: Runtime = 'node',
): ChildProcess {
  const options = { stdio: ['pipe', 'pipe', 'inherit'] as ('pipe' | 'inherit')[], env };
  const [command, commandArgs] = commandFor(runtime, args);
  // taskset execs the runtime in place, so the child's PID is the runtime's PID.
  return readLines(
    hasTaskset
      ? spawn('taskset', ['-c', String(core), command, ...commandArgs], options)
      : spawn(command, commandArgs, options),
  );
}

function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}

interface Waiter {
  prefix: string;
  resolve(rest: string): void;
}

const waiters = new WeakMap<ChildProcess, Waiter[]>();

// One line reader per child for its whole life, so no line is lost between two waits.
function readLines(child: ChildProcess): ChildProcess {
  const list: Waiter[] = [];
  waiters.set(child, list);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const index = list.findIndex((w) => line.startsWith(w.prefix + ' '));
    if (index === -1) return;
    const [waiter] = list.splice(index, 1);
    waiter!.resolve(line.slice(waiter!.prefix.length + 1));
  });
  return child;
}

/** Waits for the next stdout line starting with `prefix `; resolves with the rest of it. */
function nextLine(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const list = waiters.get(child)!;
    const onExit = (): void => finish(new Error(`process exited before '${prefix}'`));
    const timer = setTimeout(
      () => finish(new Error(`no '${prefix}' line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const waiter: Waiter = { prefix, resolve: (rest) => finish(undefined, rest) };
    function finish(error?: Error, rest?: string): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      const index = list.indexOf(waiter);
      if (index !== -1) list.splice(index, 1);
      if (error) reject(error);
      else resolve(rest!);
    }
    list.push(waiter);
    child.once('exit', onExit);
  });
}

/** A server under test. */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** RSS and heap after forced GCs (needs `--expose-gc`). */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

/** Starts `dist/servers/<file> <variant>` on core 0 and waits for its port. */
export async function startServer(
  file: string,
  variant: string,
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
  runtime: Runtime = 'node',
): Promise<ServerProcess> {
  const extra =
    runtime === 'node'
      ? [...nodeFlags, ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean)]
      : [];
  const child = start(
    0,
    [...extra, join(DIST, 'servers', file), variant],
    { ...process.env, ...env },
    runtime,
  );
  const port = Number(await nextLine(child, 'ready', 20_000));
  return {
    pid: child.pid!,
    port,
    async memory() {
      const answer = nextLine(child, 'mem', 20_000);
      child.stdin!.write('mem\n');
      return JSON.parse(await answer) as { rss: number; heapUsed: number };
    },
    stop: () => stop(child),
  };
}

/** Runs a load client on core 1 to completion and returns its `result` line. */
export async function runClient<T>(file: string, args: string[], timeoutMs: number): Promise<T> {
  const child = start(1, [join(DIST, 'client', file), ...args]);
  child.stdin!.end();
  try {
    return JSON.parse(await nextLine(child, 'result', timeoutMs)) as T;
  } finally {
    await stop(child, 5000);
  }
}

/** A long-lived client that opens idle connections on command. */
export interface IdleClient {
  connect(total: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an idle-connection client on core 1. */
export function startIdleClient(file: string, url: string): IdleClient {
  const child = start(1, [join(DIST, 'client', file), '--mode', 'idle', '--url', url]);
  return {
    async connect(total) {
      const answer = nextLine(child, 'connected', 120_000);
      child.stdin!.write(`connect ${total}\n`);
      await answer;
    },
    stop: () => stop(child, 10_000),
  };
}
