/** Starts the contract fixture in a child process on one runtime and reads its port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const bin = resolve(__dirname, '../../node_modules/.bin');

/** The runtimes the contract runs on, with the command that starts a CommonJS file. */
export const RUNTIMES = {
  node: { command: process.execPath, args: (entry: string) => [entry] },
  bun: { command: join(bin, 'bun'), args: (entry: string) => [entry] },
  deno: {
    command: join(bin, 'deno'),
    args: (entry: string) => ['run', '--allow-all', '--no-lock', '--quiet', entry],
  },
} as const;

export type RuntimeName = keyof typeof RUNTIMES;

/** Whether a runtime's binary is installed (bun and deno come from npm as dev dependencies). */
export function runtimeAvailable(name: RuntimeName): boolean {
  return name === 'node' || existsSync(RUNTIMES[name].command);
}

/** A running fixture server. */
export interface RuntimeServer {
  port: number;
  process: ChildProcess;
  output: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Spawns the fixture and waits for `READY <port>`. */
export function startRuntimeServer(
  name: RuntimeName,
  entry: string,
  timeoutMs = 20_000,
): Promise<RuntimeServer> {
  const runtime = RUNTIMES[name];
  const child = spawn(runtime.command, runtime.args(entry), {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} fixture did not start in time:\n${output.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const match = /READY (\d+)/.exec(output.join(''));
      if (!match) return;
      clearTimeout(timer);
      resolvePort({
        port: Number(match[1]),
        process: child,
        output,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} fixture exited with ${code}:\n${output.join('')}`));
    });
  });
}
