/**
 * @module bench/cases/recovery
 * What session recovery costs on the push path (issue 17): a room fan-out to 1,000 members on one
 * node with `recovery` on against the same node with it off, and a cross-node broadcast through Redis
 * (two nodes, members on both, one publisher on the first) with recovery on against off. With
 * recovery on every push is logged (a ring buffer in memory; XADD to a Redis stream in the publish
 * script) and every member's frame carries its `room` and `offset`. Targets: ≥ 0.9× deliveries/s in
 * memory, ≥ 0.7× through Redis, as per-round ratios of the same run.
 */
import { startServer, type ServerProcess } from '../processes';
import { redisInstalled, startRedis, type BenchRedis } from '../redis-server';
import type { CaseSummary } from '../round-stats';
import { caseTable } from './case-table';
import {
  fanWindows,
  rounds,
  running,
  withBaselines,
  type CaseContext,
  type Setup,
} from './case-context';

interface RecoverySetup extends Setup<ServerProcess[]> {
  variant: 'memory' | 'redis';
  nodes: number;
  recovery: boolean;
}

const MEMORY_OFF = '1 node, recovery off';
const MEMORY_ON = '1 node, recovery on';
const REDIS_OFF = '2 nodes + Redis, recovery off';
const REDIS_ON = '2 nodes + Redis, recovery on';
const members = (quick: boolean): number => (quick ? 200 : 1000);
const memoryLabel = (quick: boolean): string => `recovery fan-out ${members(quick)}`;
const redisLabel = (quick: boolean): string => `recovery cross-node ${members(quick)}`;

async function startNodes(setup: RecoverySetup, redis: BenchRedis | undefined, tag: number): Promise<ServerProcess[]> {
  const env: Record<string, string> = { ...setup.env };
  if (setup.recovery) env['BENCH_RECOVERY'] = '1';
  if (setup.variant === 'redis') {
    env['BENCH_REDIS_URL'] = redis!.url;
    env['BENCH_REDIS_PREFIX'] = `recovery-${tag}`;
  }
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < setup.nodes; i++) nodes.push(await startServer('cluster-node.js', setup.variant, [], env));
  return nodes;
}

/** Runs both recovery cases; returns their summaries (also logged). */
export async function runRecovery(ctx: CaseContext): Promise<CaseSummary[]> {
  const m = members(ctx.quick);
  const cases = [
    {
      label: memoryLabel(ctx.quick),
      setups: running(
        ctx,
        memoryLabel(ctx.quick),
        withBaselines<RecoverySetup>(
          [
            { name: MEMORY_OFF, variant: 'memory', nodes: 1, recovery: false, reference: true, framework: true },
            { name: MEMORY_ON, variant: 'memory', nodes: 1, recovery: true, framework: true },
          ],
          ctx.baselines,
        ),
      ),
    },
    {
      label: redisLabel(ctx.quick),
      setups: running(
        ctx,
        redisLabel(ctx.quick),
        withBaselines<RecoverySetup>(
          [
            { name: REDIS_OFF, variant: 'redis', nodes: 2, recovery: false, reference: true, framework: true },
            { name: REDIS_ON, variant: 'redis', nodes: 2, recovery: true, framework: true },
          ],
          ctx.baselines,
        ),
      ),
    },
  ];
  if (cases.every((c) => c.setups.length === 0)) return [];
  const needsRedis = cases[1]!.setups.length > 0;
  if (needsRedis && !redisInstalled) {
    process.stderr.write('  !!! recovery cross-node: redis-server is not installed: that case is skipped !!!\n');
    cases[1]!.setups = [];
  }
  const redis = needsRedis && redisInstalled ? await startRedis() : undefined;
  const results: CaseSummary[] = [];
  let tag = 0;
  try {
    const timeout = ctx.timing.warmup + ctx.timing.window * 3 + 120_000;
    for (const { label, setups } of cases) {
      for (const setup of setups) setup.started = await startNodes(setup, redis, tag++);
      results.push(
        ...(await rounds(ctx, label, setups, (setup) => {
          const nodes = setup.started!;
          const per = m / nodes.length;
          const pids = [...nodes.map((n) => n.pid), ...(setup.variant === 'redis' ? [redis!.pid] : [])];
          return fanWindows(ctx, nodes, per, pids, timeout);
        })),
      );
      for (const setup of setups) for (const node of setup.started ?? []) await node.stop();
    }
  } finally {
    for (const { setups } of cases) for (const setup of setups) for (const node of setup.started ?? []) await node.stop();
    await redis?.stop();
  }
  return results;
}

/** The recovery section of the report. */
export function renderRecovery(results: CaseSummary[], quick: boolean): string[] {
  const memory = results.filter((r) => r.label === memoryLabel(quick));
  const redis = results.filter((r) => r.label === redisLabel(quick));
  if (memory.length + redis.length === 0) return [];
  const m = members(quick).toLocaleString('en');
  const columns = [
    { head: 'deliveries/s', value: (w: CaseSummary['windows'][number]) => w.perSecond, spread: true, kilo: true },
    { head: 'server µs/delivery', value: (w: CaseSummary['windows'][number]) => w.serverUsPerMessage, spread: true },
  ];
  return [
    '## Session recovery on the push path (issue 17)',
    '',
    `One room of ${m} members, one publisher keeping 8 emits in flight (paced by the deliveries); \`recovery: ` +
      '{ windowMs: 120000, maxPerRoom: 1000 }` on against off, in the same rounds. With it on, every push is ' +
      'logged (memory: a ring buffer; Redis: XADD with MAXLEN in the publish script, the same round trip) and ' +
      "each member's frame carries `room` and `offset`. Targets: ≥ 0.9× deliveries/s on one node, ≥ 0.7× through Redis. " +
      `Cross-node: two nodes on one Redis, ${(members(quick) / 2).toLocaleString('en')} members on each, the publisher on the first; ` +
      'server µs count both nodes and redis-server. Higher is better for deliveries/s.',
    '',
    ...caseTable(memory, columns, [
      { head: 'deliveries/s vs recovery off', reference: MEMORY_OFF, value: (w) => w.perSecond },
      { head: 'µs vs recovery off', reference: MEMORY_OFF, value: (w) => w.serverUsPerMessage },
    ]),
    '',
    ...caseTable(redis, columns, [
      { head: 'deliveries/s vs recovery off', reference: REDIS_OFF, value: (w) => w.perSecond },
      { head: 'µs vs recovery off', reference: REDIS_OFF, value: (w) => w.serverUsPerMessage },
    ]),
    '',
  ];
}
