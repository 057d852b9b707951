/**
 * @module bench/cases/storm
 * Reconnect storm (issue 20 part 2): N clients dropped at once come back at once. Set-ups: raw `ws`
 * (no checks), ws-controllers with a global guard and an `@OnConnect` that reads a query token and
 * joins a room, in memory and with the Redis adapter (on the runner's redis-server, whose CPU is
 * counted with the server's). Figures: handshakes/s, time until all N are open again, server CPU µs
 * per handshake; ratios to raw ws within each round.
 */
import type { WindowResult } from '../client/windows';
import { buildNativeStorm } from '../client/native-storm';
import type { StormWindow } from '../client/storm-client';
import { startServer, type ServerProcess } from '../processes';
import { redisInstalled, startRedis, type BenchRedis } from '../redis-server';
import type { CaseSummary } from '../round-stats';
import { caseTable } from './case-table';
import { clientWindows, rounds, running, withBaselines, type CaseContext, type Setup } from './case-context';

interface StormSetup extends Setup<ServerProcess> {
  file: string;
  variant: string;
  path: string;
  redis?: boolean;
}

const RAW = 'raw ws (no checks)';
const BY_HAND = 'raw ws + the same work by hand';
const IN_FLIGHT = 500;

// Which load client the last run used (the report says so).
let clientUsed = 'native';

/** The storm's size. */
export const stormSize = (quick: boolean): number => (quick ? 2000 : 10_000);

/** Runs the storm case; returns its summaries (also logged). */
export async function runStorm(ctx: CaseContext): Promise<CaseSummary[]> {
  const n = stormSize(ctx.quick);
  const label = `storm ${n}`;
  const all: StormSetup[] = withBaselines(
    [
      { name: RAW, file: 'raw-ws.js', variant: 'echo', path: '/echo', reference: true },
      { name: BY_HAND, file: 'storm-raw.js', variant: 'memory', path: '/storm?token=t0k3n', reference: true },
      {
        name: 'ws-controllers',
        file: 'storm.js',
        variant: 'memory',
        path: '/storm?token=t0k3n',
        framework: true,
      },
      {
        name: 'ws-controllers + Redis',
        file: 'storm.js',
        variant: 'redis',
        path: '/storm?token=t0k3n',
        framework: true,
        redis: true,
      },
    ],
    ctx.baselines,
  );
  let setups = running(ctx, label, all);
  if (!redisInstalled && setups.some((s) => s.redis)) {
    process.stderr.write('  !!! storm: redis-server is not installed: the Redis rows are skipped !!!\n');
    setups = setups.filter((s) => !s.redis);
  }
  if (setups.length === 0) return [];
  const native = buildNativeStorm();
  if ('missing' in native) {
    process.stderr.write(`  !!! storm: no native load client (${native.missing}): the Node client sets the pace !!!\n`);
    clientUsed = 'node';
  } else clientUsed = 'native';
  const nativeArgs = 'binary' in native ? ['--native', native.binary] : [];
  let redis: BenchRedis | undefined;
  try {
    if (setups.some((s) => s.redis)) redis = await startRedis();
    for (const setup of setups) {
      const env = { ...setup.env, ...(setup.redis ? { BENCH_REDIS_URL: redis!.url } : {}) };
      setup.started = await startServer(setup.file, setup.variant, [], env);
    }
    return await rounds(ctx, label, setups, (setup) => {
      const server = setup.started!;
      const pids = setup.redis ? [server.pid, redis!.pid] : [server.pid];
      return clientWindows(
        'storm-client.js',
        [
          '--port',
          String(server.port),
          '--path',
          setup.path,
          '--n',
          String(n),
          '--in-flight',
          String(IN_FLIGHT),
          '--server-pid',
          pids.join(','),
          '--windows',
          '1',
          '--max-windows',
          String(ctx.quick ? 1 : 3),
          ...nativeArgs,
        ],
        600_000,
      );
    });
  } finally {
    for (const setup of setups) await setup.started?.stop();
    await redis?.stop();
  }
}

const allOpen = (w: WindowResult): number => (w as StormWindow).allOpenMs;

/** The storm section of the report. */
export function renderStorm(results: CaseSummary[], quick: boolean): string[] {
  const rows = results.filter((r) => r.label.startsWith('storm'));
  if (rows.length === 0) return [];
  const n = stormSize(quick).toLocaleString('en');
  return [
    `## Reconnect storm (${n} clients dropped at once, back at once)`,
    '',
    `Each round: a fresh client opens ${n} connections, resets them all (TCP RST), waits until the server has ` +
      `finished closing them (no server CPU for 300 ms), then opens all ${n} again, keeping ${IN_FLIGHT} handshakes ` +
      "pending (the listen backlog is 511: an all-at-once burst only measures the kernel's 1 s SYN retransmits). " +
      (clientUsed === 'native'
        ? 'The load client is native (bench/native/storm-client.c, an epoll loop writing pre-built upgrade requests): ' +
          'it spends about half the CPU per handshake that a raw ws server does, so the server sets the pace. '
        : '**The native load client could not be built (no C compiler): the Node client ran, and it costs more per ' +
          'handshake than a raw ws server, so the rates below are the client\'s; compare server µs/handshake instead.** ') +
      'ws-controllers runs a global guard (a `token` query parameter is required) and an `@OnConnect` that reads ' +
      "the token into `client.data` and joins a room; with Redis the redis-server's CPU counts as server CPU. " +
      `"${BY_HAND}" (bench/src/servers/storm-raw.ts) does that work without a framework: a 403 before the 101 ` +
      'without a token, an id and a map by id, the token in a data object, a room set, all forgotten on close; ' +
      'it shows how much of the gap to raw ws is the work itself. ' +
      'Higher is better for handshakes/s, lower for the rest.',
    '',
    ...caseTable(
      rows,
      [
        { head: 'handshakes/s', value: (w) => w.perSecond, spread: true, kilo: true },
        { head: `all ${n} open (ms)`, value: allOpen, digits: 0, spread: true },
        { head: 'server µs/handshake', value: (w) => w.serverUsPerMessage, spread: true },
        { head: 'p99 handshake ms', value: (w) => w.p99Ms, digits: 1 },
        { head: 'retried', value: (w) => (w as StormWindow).retried, digits: 0 },
      ],
      [
        { head: 'handshakes/s vs raw ws', reference: RAW, value: (w) => w.perSecond },
        { head: 'µs/handshake vs raw ws', reference: RAW, value: (w) => w.serverUsPerMessage },
        { head: 'handshakes/s vs the same work by hand', reference: BY_HAND, value: (w) => w.perSecond },
      ],
    ),
    '',
  ];
}
