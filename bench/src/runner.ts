/**
 * @module bench/runner
 * `npm run bench` / `npm run bench:quick`: runs every case against every server in one run, prints
 * the tables (per-round ratios to raw `ws` and to raw `ws` + batching, measured in the same run) and,
 * for the full run, writes BENCHMARKS.md.
 * Flags: --quick, --filter <regexp on "case server">, --no-write, --warmup/--window <ms>, --windows <n>,
 * --json <file> (every window of every case).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WindowResult } from './client/windows';
import { runClient, startServer, type Runtime, type ServerProcess } from './processes';
import { measureIdleMemory, type MemoryResult } from './memory';
import { describeMachine, REFERENCES, renderReport, type CaseSummary } from './report';
import { baselineBuilds, SHAPE_CASES } from './cases';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const filterIndex = argv.indexOf('--filter');
const filter = filterIndex === -1 ? undefined : new RegExp(argv[filterIndex + 1] ?? '');

const flag = (name: string): number | undefined => {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : Number(argv[index + 1]);
};

// --warmup / --window / --windows override the protocol's timing for exploratory runs (nothing is written then).
const base = quick
  ? { warmup: 250, window: 500, windows: 1, maxWindows: 1 }
  : { warmup: 3000, window: 5000, windows: 3, maxWindows: 6 };
const timing = {
  warmup: flag('--warmup') ?? base.warmup,
  window: flag('--window') ?? base.window,
  windows: flag('--windows') ?? base.windows,
  maxWindows: (flag('--windows') ?? base.windows) * (quick ? 1 : 3),
};
const custom =
  flag('--warmup') !== undefined || flag('--window') !== undefined || flag('--windows') !== undefined;

/** A server under test: its file, variant and the client that speaks to it. */
interface ServerSpec {
  name: string;
  file: string;
  variant: string;
  client: 'load-client.js' | 'sio-client.js';
  env?: Record<string, string>;
  /** Runs the server on Bun or Deno instead of Node (issue 11's runtime rows). */
  runtime?: Runtime;
}

const ECHO_SERVERS: ServerSpec[] = [
  { name: 'raw ws', file: 'raw-ws.js', variant: 'echo', client: 'load-client.js' },
  { name: 'raw ws + batching', file: 'raw-ws.js', variant: 'echo-batch', client: 'load-client.js' },
  { name: 'ws-controllers', file: 'ws-controllers.js', variant: 'echo', client: 'load-client.js' },
  { name: 'ws-controllers + DTO', file: 'ws-controllers.js', variant: 'echo-dto', client: 'load-client.js' },
  {
    name: 'ws-controllers on Bun',
    file: 'ws-controllers.js',
    variant: 'echo',
    client: 'load-client.js',
    runtime: 'bun',
  },
  {
    name: 'ws-controllers on Deno',
    file: 'ws-controllers.js',
    variant: 'echo',
    client: 'load-client.js',
    runtime: 'deno',
  },
  { name: 'NestJS ws', file: 'nestjs.mjs', variant: 'echo', client: 'load-client.js' },
  { name: 'NestJS ws + ValidationPipe', file: 'nestjs.mjs', variant: 'echo-dto', client: 'load-client.js' },
  { name: 'Socket.IO (own client)', file: 'socket-io.js', variant: 'echo', client: 'sio-client.js' },
];

const FAN_SERVERS: ServerSpec[] = [
  { name: 'raw ws naive', file: 'raw-ws.js', variant: 'fan-naive', client: 'load-client.js' },
  { name: 'raw ws stringify-once', file: 'raw-ws.js', variant: 'fan-once', client: 'load-client.js' },
  { name: 'raw ws pre-framed', file: 'raw-ws.js', variant: 'fan-framed', client: 'load-client.js' },
  // The best raw form plus write batching: the fan-out ceiling the framework is held to.
  { name: 'raw ws + batching', file: 'raw-ws.js', variant: 'fan-framed-batch', client: 'load-client.js' },
  // Batching without ws internals: what a raw server gets from the ten lines alone.
  {
    name: 'raw ws stringify-once + batching',
    file: 'raw-ws.js',
    variant: 'fan-once-batch',
    client: 'load-client.js',
  },
  { name: 'ws-controllers', file: 'ws-controllers.js', variant: 'fan', client: 'load-client.js' },
  {
    name: 'ws-controllers on Bun',
    file: 'ws-controllers.js',
    variant: 'fan',
    client: 'load-client.js',
    runtime: 'bun',
  },
  {
    name: 'ws-controllers on Deno',
    file: 'ws-controllers.js',
    variant: 'fan',
    client: 'load-client.js',
    runtime: 'deno',
  },
];

// BENCH_BASELINE_DIST=<another build's dist/ or dist/index.js>[,<label>=<path>...] adds rows of
// ws-controllers from those builds, so an optimisation's before/after come from the same run.
// A copy of dist/ outside the repository finds its dependencies in the root node_modules (NODE_PATH).
const ROOT_MODULES = join(__dirname, '..', '..', 'node_modules');

function distEntry(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? join(absolute, 'index.js') : absolute;
}

for (const entry of (process.env.BENCH_BASELINE_DIST ?? '').split(',').filter(Boolean).reverse()) {
  const [label, path] = entry.includes('=') ? (entry.split('=') as [string, string]) : ['baseline', entry];
  const dist = distEntry(path);
  if (!existsSync(dist)) throw new Error(`BENCH_BASELINE_DIST: ${dist} does not exist`);
  for (const list of [ECHO_SERVERS, FAN_SERVERS]) {
    for (const spec of list.filter(
      (s) => s.file === 'ws-controllers.js' && s.env === undefined && s.runtime === undefined,
    )) {
      list.splice(list.indexOf(spec), 0, {
        ...spec,
        name: `${spec.name} (${label})`,
        env: { WSC_DIST: dist, NODE_PATH: ROOT_MODULES },
      });
    }
  }
}

const ECHO_CASES = [
  { c: 50, w: 1 },
  { c: 500, w: 1 },
  { c: 50, w: 16 },
  { c: 500, w: 16 },
];
const FAN_SIZES = quick ? [1000] : [1000, 5000];
const IDLE_CONNECTIONS = quick ? 1000 : 10_000;

function selected(label: string, server: string): boolean {
  return filter === undefined || filter.test(`${label} ${server}`);
}

const REFERENCE_NAMES = new Set<string>([...Object.values(REFERENCES.echo), ...Object.values(REFERENCES.fan)]);

// A case runs a server when the filter selects it, and always runs the references of a case that
// runs anything, so a filtered run still has its ratios.
function runs(specs: ServerSpec[], label: string, spec: ServerSpec): boolean {
  if (selected(label, spec.name)) return true;
  return REFERENCE_NAMES.has(spec.name) && specs.some((other) => selected(label, other.name));
}

// Each client session measures one clean window (re-running a dropped one at most twice); a case is
// run in `timing.windows` rounds that visit every server in turn, so a busy spell on the shared
// machine lands on all servers alike instead of on whichever one happened to be measured then.
const RERUNS_PER_ROUND = 2;

function windowArgs(pid: number): string[] {
  return [
    '--server-pid',
    String(pid),
    '--warmup',
    String(timing.warmup),
    '--window',
    String(timing.window),
    '--windows',
    '1',
    '--max-windows',
    String(1 + (quick ? 0 : RERUNS_PER_ROUND)),
  ];
}

const clientTimeout = timing.warmup + timing.window * (1 + RERUNS_PER_ROUND) + 120_000;

async function runCase(
  server: ServerProcess,
  spec: ServerSpec,
  label: string,
  path: string,
  extra: string[],
  round: number,
): Promise<CaseSummary> {
  // Socket.IO reads a URL path as a namespace: it is served on its default one.
  const url =
    spec.client === 'sio-client.js'
      ? `http://127.0.0.1:${server.port}`
      : `ws://127.0.0.1:${server.port}${path}`;
  const { windows } = await runClient<{ windows: WindowResult[] }>(
    spec.client,
    ['--url', url, ...extra, ...windowArgs(server.pid)],
    clientTimeout,
  );
  return { label, server: spec.name, windows: windows.map((w) => ({ ...w, round })), wanted: timing.windows };
}

async function withServers<T>(
  specs: ServerSpec[],
  labels: string[],
  body: (servers: ServerProcess[]) => Promise<T>,
): Promise<T | undefined> {
  // Only the servers some selected case needs are started (the others stay as placeholders).
  const servers: ServerProcess[] = [];
  const needed = specs.map((spec) => labels.some((label) => runs(specs, label, spec)));
  if (!needed.some(Boolean)) return undefined;
  try {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      servers.push(
        needed[i] ? await startServer(spec.file, spec.variant, [], spec.env, spec.runtime) : PLACEHOLDER,
      );
    }
    return await body(servers);
  } finally {
    for (const server of servers) await server.stop();
  }
}

const PLACEHOLDER: ServerProcess = {
  pid: 0,
  port: 0,
  memory: () => Promise.reject(new Error('not started')),
  stop: () => Promise.resolve(),
};

async function main(): Promise<void> {
  const started = new Date();
  const results: CaseSummary[] = [];
  const elapsed = (): string => `${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`;
  const log = (summary: CaseSummary): void => {
    results.push(summary);
    const us = summary.windows
      .map((w) => w.serverUsPerMessage.toFixed(2) + (w.dropped ? '*' : ''))
      .join(' / ');
    process.stderr.write(`  ${summary.label.padEnd(22)} ${summary.server.padEnd(34)} µs/msg ${us}\n`);
  };

  // Every server of a group runs for the whole group, so each case meets them back to back.
  // Runs one case against every selected server, in rounds, and logs one summary per server.
  const rounds = async (
    specs: ServerSpec[],
    servers: ServerProcess[],
    label: string,
    path: string,
    extra: string[],
  ): Promise<void> => {
    const merged = new Map<number, CaseSummary>();
    for (let round = 0; round < timing.windows; round++) {
      for (let i = 0; i < specs.length; i++) {
        const spec = specs[i]!;
        if (!runs(specs, label, spec)) continue;
        const summary = await runCase(servers[i]!, spec, label, path, extra, round);
        const previous = merged.get(i);
        if (previous) previous.windows.push(...summary.windows);
        else merged.set(i, summary);
      }
    }
    for (const summary of merged.values()) log(summary);
  };

  process.stderr.write(`echo cases (${elapsed()})\n`);
  await withServers(
    ECHO_SERVERS,
    ECHO_CASES.map(({ c, w }) => `echo C${c} W${w}`),
    async (servers) => {
      for (const { c, w } of ECHO_CASES) {
        await rounds(ECHO_SERVERS, servers, `echo C${c} W${w}`, '/echo', [
          '--mode',
          'echo',
          '--c',
          String(c),
          '--w',
          String(w),
        ]);
      }
    },
  );

  process.stderr.write(`fan-out cases (${elapsed()})\n`);
  for (const n of FAN_SIZES) {
    const label = `fan-out ${n}`;
    // Fresh servers per size: 5,000 sockets left from the last size would weigh on the next one.
    await withServers(FAN_SERVERS, [label], (servers) =>
      rounds(FAN_SERVERS, servers, label, '/fan', ['--mode', 'fan', '--n', String(n), '--w', '8']),
    );
  }

  // Storm, cross-node, mixed load: each case in its own file (bench/src/cases), same rounds and log.
  const shapeResults: CaseSummary[] = [];
  for (const shape of SHAPE_CASES) {
    await shape.run({ quick, timing, selected, baselines: baselineBuilds(), log: (s) => void shapeResults.push(s) });
  }

  process.stderr.write(`idle memory (${elapsed()})\n`);
  const memory: MemoryResult[] = [];
  for (const spec of ECHO_SERVERS) {
    if (spec.variant !== 'echo' || !selected('idle memory', spec.name)) continue;
    const result = await measureIdleMemory(spec, IDLE_CONNECTIONS, quick ? 200 : 2000);
    process.stderr.write(
      `  ${spec.name.padEnd(28)} ${(result.rssPerConnection / 1024).toFixed(2)} KiB RSS, ${(result.heapPerConnection / 1024).toFixed(2)} KiB heap\n`,
    );
    memory.push(result);
  }

  const envPrefix = process.env.BENCH_BASELINE_DIST
    ? `BENCH_BASELINE_DIST=${process.env.BENCH_BASELINE_DIST} `
    : '';
  const shellWord = (a: string): string => (/^[\w./=:,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const rest = argv.filter((a) => a !== '--quick').map(shellWord);
  const command = `${envPrefix}npm run ${quick ? 'bench:quick' : 'bench'}${rest.length ? ' -- ' + rest.join(' ') : ''}`;
  const report = renderReport({
    results,
    memory,
    machine: describeMachine(),
    command,
    started,
    finished: new Date(),
    timing,
    idleConnections: IDLE_CONNECTIONS,
    sections: SHAPE_CASES.flatMap((shape) => shape.render(shapeResults, quick)),
  });
  process.stderr.write(`done (${elapsed()})\n`);
  process.stdout.write(report + '\n');
  const write = !quick && !custom && !argv.includes('--no-write') && filter === undefined;
  if (write) writeFileSync(join(__dirname, '..', '..', 'BENCHMARKS.md'), report + '\n');
  // --json <file>: every window of every case, for ratios the report does not print (e.g. against a baseline).
  const json = argv.indexOf('--json');
  if (json !== -1) writeFileSync(argv[json + 1]!, JSON.stringify([...results, ...shapeResults], null, 1));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
