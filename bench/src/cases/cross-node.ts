/**
 * @module bench/cases/cross-node
 * Cross-node traffic (issue 20 part 3) on the runner's redis-server. Fan-out: a room with M members
 * on each of two nodes and one publisher on the first, against the same run's single node with 2M
 * members (in memory, and with the Redis adapter); deliveries/s and server CPU µs per delivery, the
 * cluster's CPU (nodes and redis-server) counted together. Sends by id: one sender on the first node
 * keeps 16 `ClientService.send(id)` in flight to clients on the other node (each must resolve `true`),
 * against the same sends to clients on its own node.
 */
import { startServer, type ServerProcess } from '../processes';
import { redisInstalled, startRedis, type BenchRedis } from '../redis-server';
import type { CaseSummary } from '../round-stats';
import { caseTable } from './case-table';
import {
  clientWindows,
  fanWindows,
  rounds,
  running,
  windowArgs,
  withBaselines,
  type CaseContext,
  type Setup,
} from './case-context';

interface NodeSpec {
  variant: 'memory' | 'redis';
  /** Nodes with the same prefix form one cluster. */
  prefix?: string;
}

interface ClusterSetup extends Setup<ServerProcess[]> {
  nodes: NodeSpec[];
}

const SINGLE = '1 node, in memory';
const SINGLE_REDIS = '1 node + Redis adapter';
const LOCAL = 'to clients on the same node';
const sizes = (quick: boolean): number => (quick ? 200 : 1000);

async function startCluster(
  setup: ClusterSetup,
  redis: BenchRedis | undefined,
  tag: number,
): Promise<ServerProcess[]> {
  const nodes: ServerProcess[] = [];
  for (const node of setup.nodes) {
    const env: Record<string, string> = { ...setup.env };
    if (node.variant === 'redis') {
      env['BENCH_REDIS_URL'] = redis!.url;
      env['BENCH_REDIS_PREFIX'] = `${node.prefix}-${tag}`;
    }
    nodes.push(await startServer('cluster-node.js', node.variant, [], env));
  }
  return nodes;
}

/** Runs both cross-node cases; returns their summaries (also logged). */
export async function runCrossNode(ctx: CaseContext): Promise<CaseSummary[]> {
  const m = sizes(ctx.quick);
  const fanLabel = `cross-node fan-out ${2 * m}`;
  const sendLabel = 'cross-node sends';
  const fanSetups = running(
    ctx,
    fanLabel,
    withBaselines<ClusterSetup>(
      [
        { name: SINGLE, nodes: [{ variant: 'memory' }], reference: true, framework: true },
        {
          name: SINGLE_REDIS,
          nodes: [{ variant: 'redis', prefix: 'one' }],
          reference: true,
          framework: true,
        },
        {
          name: `2 nodes + Redis, ${m.toLocaleString('en')} on each`,
          nodes: [
            { variant: 'redis', prefix: 'two' },
            { variant: 'redis', prefix: 'two' },
          ],
          framework: true,
        },
      ],
      ctx.baselines,
    ),
  );
  const sendSetups = running(
    ctx,
    sendLabel,
    withBaselines<ClusterSetup>(
      [
        {
          name: LOCAL,
          nodes: [
            { variant: 'redis', prefix: 'pair' },
            { variant: 'redis', prefix: 'pair' },
          ],
          reference: true,
          framework: true,
        },
        {
          name: 'to clients on the other node',
          nodes: [
            { variant: 'redis', prefix: 'pair' },
            { variant: 'redis', prefix: 'pair' },
          ],
          framework: true,
        },
      ],
      ctx.baselines,
    ),
  );
  if (fanSetups.length + sendSetups.length === 0) return [];
  if (!redisInstalled) {
    process.stderr.write('  !!! cross-node: redis-server is not installed: the case is skipped !!!\n');
    return [];
  }
  const results: CaseSummary[] = [];
  const redis = await startRedis();
  let tag = 0;
  try {
    const timeout = ctx.timing.warmup + ctx.timing.window * 3 + 120_000;
    for (const setup of fanSetups) setup.started = await startCluster(setup, redis, tag++);
    results.push(
      ...(await rounds(ctx, fanLabel, fanSetups, (setup) => {
        const nodes = setup.started!;
        const per = (2 * m) / nodes.length;
        const pids = [
          ...nodes.map((n) => n.pid),
          ...(setup.nodes.some((n) => n.variant === 'redis') ? [redis.pid] : []),
        ];
        return fanWindows(ctx, nodes, per, pids, timeout);
      })),
    );
    for (const setup of fanSetups) for (const node of setup.started ?? []) await node.stop();
    // The send set-ups share one pair per build: "local" and "across" differ only in where the targets are.
    const pairs = new Map<string, ServerProcess[]>();
    for (const setup of sendSetups) {
      const build = setup.env?.['WSC_DIST'] ?? '';
      if (!pairs.has(build)) pairs.set(build, await startCluster(setup, redis, tag++));
      setup.started = pairs.get(build);
    }
    results.push(
      ...(await rounds(ctx, sendLabel, sendSetups, (setup) => {
        const [a, b] = setup.started as [ServerProcess, ServerProcess];
        const target = setup.name.startsWith(LOCAL) ? a : b;
        return clientWindows(
          'cross-client.js',
          [
            '--mode',
            'send',
            '--sender-port',
            String(a.port),
            '--target-port',
            String(target.port),
            '--targets',
            '100',
            '--w',
            '16',
            ...windowArgs(ctx, [a.pid, b.pid, redis.pid]),
          ],
          timeout,
        );
      })),
    );
    for (const pair of pairs.values()) for (const node of pair) await node.stop();
  } finally {
    for (const setup of [...fanSetups, ...sendSetups])
      for (const node of setup.started ?? []) await node.stop();
    await redis.stop();
  }
  return results;
}

/** The cross-node section of the report. */
export function renderCrossNode(results: CaseSummary[], quick: boolean): string[] {
  const fan = results.filter((r) => r.label.startsWith('cross-node fan-out'));
  const sends = results.filter((r) => r.label === 'cross-node sends');
  if (fan.length + sends.length === 0) return [];
  const m = sizes(quick).toLocaleString('en');
  return [
    '## Cross-node traffic (two nodes on one Redis)',
    '',
    `Fan-out: one room, ${m} members on each of two nodes, one publisher on the first keeping 8 emits in flight ` +
      `(paced by the deliveries); against one node with all ${(2 * sizes(quick)).toLocaleString('en')} members, in memory and with the ` +
      'Redis adapter. Members are raw sockets that count frames without reading them. All nodes and the ' +
      'redis-server run on the server core; their CPU is added up (server µs per delivery). Higher is better for deliveries/s.',
    '',
    ...caseTable(
      fan,
      [
        { head: 'deliveries/s', value: (w) => w.perSecond, spread: true, kilo: true },
        { head: 'server µs/delivery (nodes + redis)', value: (w) => w.serverUsPerMessage, spread: true },
      ],
      [
        { head: 'deliveries/s vs 1 node in memory', reference: SINGLE, value: (w) => w.perSecond },
        { head: 'deliveries/s vs 1 node + Redis', reference: SINGLE_REDIS, value: (w) => w.perSecond },
        { head: 'µs vs 1 node in memory', reference: SINGLE, value: (w) => w.serverUsPerMessage },
      ],
    ),
    '',
    'Sends by id: 100 target clients tell their ids; one sender on the first node keeps 16 `send` requests in ' +
      'flight, each a `ClientService.send(id, ...)` whose result is the reply; every one must be `true` and reach its target ' +
      '(the client fails otherwise). Same two-node cluster for both rows; only where the targets are differs.',
    '',
    ...caseTable(
      sends,
      [
        { head: 'sends/s', value: (w) => w.perSecond, spread: true, kilo: true },
        { head: 'server µs/send (nodes + redis)', value: (w) => w.serverUsPerMessage, spread: true },
        { head: 'p99 ms', value: (w) => w.p99Ms, digits: 2 },
      ],
      [
        { head: 'sends/s vs same node', reference: LOCAL, value: (w) => w.perSecond },
        { head: 'µs vs same node', reference: LOCAL, value: (w) => w.serverUsPerMessage },
      ],
    ),
    '',
  ];
}
