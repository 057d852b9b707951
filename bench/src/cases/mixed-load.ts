/**
 * @module bench/cases/mixed-load
 * Latency under mixed load (issue 20 part 4): on one server, a room of N members gets R broadcasts
 * per second while 50 other connections run the echo (one message in flight each); the figure is the
 * echo's p99, against the same mix on raw `ws` with write batching (the pre-framed fan-out reference,
 * whose echo is batched too). Also shown: the deliveries/s the members got (N × R when the server kept up).
 */
import type { WindowResult } from '../client/windows';
import type { MixedWindow } from '../client/mixed-client';
import { startServer, type ServerProcess } from '../processes';
import type { CaseSummary } from '../round-stats';
import { caseTable } from './case-table';
import {
  clientWindows,
  rounds,
  running,
  windowArgs,
  withBaselines,
  type CaseContext,
  type Setup,
} from './case-context';

interface MixedSetup extends Setup<ServerProcess> {
  file: string;
  variant: string;
  path: string;
}

const BATCHING = 'raw ws + batching';
const RATE = 100;
const CONNECTIONS = 50;
const roomSize = (quick: boolean): number => (quick ? 1000 : 5000);

/** Runs the mixed-load case; returns its summaries (also logged). */
export async function runMixedLoad(ctx: CaseContext): Promise<CaseSummary[]> {
  const n = roomSize(ctx.quick);
  const label = `mixed ${n} × ${RATE}/s + echo C${CONNECTIONS}`;
  const setups = running(
    ctx,
    label,
    withBaselines<MixedSetup>(
      [
        { name: BATCHING, file: 'raw-ws.js', variant: 'fan-framed-batch', path: '/room', reference: true },
        {
          name: 'ws-controllers',
          file: 'cluster-node.js',
          variant: 'memory',
          path: '/room',
          framework: true,
        },
      ],
      ctx.baselines,
    ),
  );
  if (setups.length === 0) return [];
  try {
    for (const setup of setups) setup.started = await startServer(setup.file, setup.variant, [], setup.env);
    return await rounds(ctx, label, setups, (setup) =>
      clientWindows(
        'mixed-client.js',
        [
          '--port',
          String(setup.started!.port),
          '--path',
          setup.path,
          '--n',
          String(n),
          '--rate',
          String(RATE),
          '--c',
          String(CONNECTIONS),
          ...windowArgs(ctx, [setup.started!.pid]),
        ],
        ctx.timing.warmup + ctx.timing.window * 3 + 120_000,
      ),
    );
  } finally {
    for (const setup of setups) await setup.started?.stop();
  }
}

const deliveries = (w: WindowResult): number => (w as MixedWindow).deliveriesPerSecond;

/** The mixed-load section of the report. */
export function renderMixedLoad(results: CaseSummary[], quick: boolean): string[] {
  const rows = results.filter((r) => r.label.startsWith('mixed'));
  if (rows.length === 0) return [];
  const n = roomSize(quick);
  return [
    '## Latency under mixed load',
    '',
    `One server: a room of ${n.toLocaleString('en')} members (raw sockets counting frames unread) gets ${RATE} broadcasts/s ` +
      `from one publisher (paced by the clock: ${(n * RATE).toLocaleString('en')} deliveries/s when the server keeps up), while ` +
      `${CONNECTIONS} other connections run the echo with one message in flight each. The figure is the echo's p99; ` +
      'the reference is raw `ws` + batching (pre-framed broadcast, batched echo). Lower is better for latency.',
    '',
    ...caseTable(
      rows,
      [
        { head: 'echo p50 ms', value: (w) => w.p50Ms, digits: 3 },
        { head: 'echo p99 ms', value: (w) => w.p99Ms, digits: 3, spread: true },
        { head: 'echo msgs/s', value: (w) => w.perSecond, kilo: true },
        { head: 'deliveries/s', value: deliveries, kilo: true },
      ],
      [
        { head: 'p99 vs raw ws + batching', reference: BATCHING, value: (w) => w.p99Ms },
        { head: 'p50 vs raw ws + batching', reference: BATCHING, value: (w) => w.p50Ms },
      ],
    ),
    '',
  ];
}
