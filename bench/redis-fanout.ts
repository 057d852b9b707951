/**
 * @module bench/redis-fanout
 * Cross-node broadcast throughput through the Redis adapter. Two app nodes run in child processes
 * with `RedisAdapter` on a throw-away redis-server; S subscribers sit in one room on node B; one
 * publisher keeps 8 `to-room` emits in flight end to end (paced by the last subscriber). Case "cross": the publisher is on node A (every
 * message crosses Redis once, B fans out). Case "local": the publisher is on node B itself (the
 * same adapter, no crossing) as the reference measured in the same run.
 *
 * With `--recovery`, the same two cases run again on a second pair of nodes with session recovery on
 * (every push logged in a Redis stream by one script, delivered from pub/sub), and the ratios on/off
 * are printed.
 *
 * With `--shards`, only the inbound traffic per node is measured instead, on one Redis and on a Redis
 * Cluster (3 masters + 3 replicas started here): 4 nodes, each with a member in its own quarter of 40
 * rooms, every node emitting to every room; it prints the broadcasts Redis brought each node (one
 * Redis: all of the others' traffic; the cluster's sharded channels: only its own rooms').
 *
 * Run: `npm run bench:redis` (or `-- --quick`, `-- --recovery`, `-- --shards`). Prints deliveries/s and server CPU µs per delivery
 * (min / median / max of 5 s windows after a 3 s warm-up), per BENCHMARK-PROTOCOL.md.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { RedisAdapter } from 'ws-controllers/redis';
import { startChildNode, type ChildNode } from '../test/redis/support/child-node-process';
import { RedisCluster } from '../test/redis/support/redis-cluster';
import { RedisServer } from '../test/redis/support/redis-server';
import { measureShardTraffic, type ShardTraffic } from '../test/redis/support/shard-traffic';

const quick = process.argv.includes('--quick');
const withRecovery = process.argv.includes('--recovery');
const shardsOnly = process.argv.includes('--shards');
const SUBSCRIBERS = quick ? 200 : 1000;
const IN_FLIGHT = 8;
const WARMUP_MS = quick ? 1000 : 3000;
const WINDOW_MS = quick ? 2000 : 5000;
const WINDOWS = quick ? 1 : 3;

function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // 100 ticks per second
}

function open(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/room`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function request(ws: WebSocket, event: string, payload: unknown): Promise<void> {
  return new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    const onMessage = (data: WebSocket.RawData): void => {
      if ((JSON.parse(data.toString()) as { id?: string }).id !== id) return;
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ event, payload, id }));
  });
}

/**
 * Keeps IN_FLIGHT room emits in flight end to end: a new one is sent each time the last subscriber
 * (the last to be served by the fan-out) receives one, so nothing piles up in Redis or the nodes.
 */
function publish(publisher: WebSocket, probe: WebSocket): () => void {
  let stopped = false;
  const text = JSON.stringify({ text: 'hello, world!', n: 1000123 });
  const frame = `{"event":"to-room","payload":{"room":"bench","text":${JSON.stringify(text)}}}`;
  const onProbe = (): void => {
    if (!stopped) publisher.send(frame);
  };
  probe.on('message', onProbe);
  for (let i = 0; i < IN_FLIGHT; i++) publisher.send(frame);
  return () => {
    stopped = true;
    probe.off('message', onProbe);
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (xs: number[], digits = 0): string =>
  `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

async function runCase(
  name: string,
  publisherNode: ChildNode,
  nodes: ChildNode[],
  redisPid: number | undefined,
  subscribers: WebSocket[],
): Promise<number> {
  let deliveries = 0;
  const count = (): void => void deliveries++;
  for (const ws of subscribers) ws.on('message', count);
  const publisher = await open(publisherNode.port);
  const stop = publish(publisher, subscribers[subscribers.length - 1] as WebSocket);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const rates: number[] = [];
  const cpuPerDelivery: number[] = [];
  const redisCpu: number[] = [];
  const clientCpu: number[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const d0 = deliveries;
    const c0 = nodes.map((n) => cpuMs(n.process.pid));
    const r0 = cpuMs(redisPid);
    const k0 = cpuMs(process.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const elapsed = (performance.now() - t0) / 1000;
    const delivered = deliveries - d0;
    const serverMs = nodes.reduce((sum, n, i) => sum + cpuMs(n.process.pid) - (c0[i] ?? 0), 0);
    rates.push(delivered / elapsed);
    cpuPerDelivery.push((serverMs * 1000) / Math.max(1, delivered));
    redisCpu.push((cpuMs(redisPid) - r0) / 10 / elapsed);
    clientCpu.push((cpuMs(process.pid) - k0) / 10 / elapsed);
  }
  stop();
  publisher.close();
  for (const ws of subscribers) ws.off('message', count);
  await new Promise((r) => setTimeout(r, 500)); // let in-flight emits drain
  console.log(
    `${name.padEnd(6)} deliveries/s ${fmt(rates)}  |  server CPU µs/delivery (both nodes) ${fmt(cpuPerDelivery, 2)}  |  redis CPU % ${fmt(redisCpu, 1)}  |  load client CPU % ${fmt(clientCpu, 0)}`,
  );
  return median(rates);
}

/** One pair of nodes (recovery off or on): the cross-node and the same-node case. */
async function runPair(
  redis: RedisServer,
  redisPid: number | undefined,
  recovery: boolean,
): Promise<{ cross: number; local: number }> {
  const options = {
    url: redis.url,
    keyPrefix: recovery ? 'bench-recovery' : 'bench',
    ...(recovery ? { recovery: true } : {}),
  };
  const nodes: ChildNode[] = [];
  const subscribers: WebSocket[] = [];
  try {
    nodes.push(await startChildNode(options), await startChildNode(options));
    const [a, b] = nodes as [ChildNode, ChildNode];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const ws = await open(b.port);
      await request(ws, 'join', 'bench');
      subscribers.push(ws);
    }
    console.log(
      `redis-fanout${recovery ? ' (recovery on)' : ''}: ${SUBSCRIBERS} subscribers on node B, ${IN_FLIGHT} emits in flight, ${WINDOWS} x ${WINDOW_MS / 1000} s windows (min / median / max)`,
    );
    const cross = await runCase('cross', a, nodes, redisPid, subscribers);
    const local = await runCase('local', b, nodes, redisPid, subscribers);
    console.log(`cross-node / same-node throughput: ${(cross / local).toFixed(2)}`);
    return { cross, local };
  } finally {
    for (const ws of subscribers) ws.terminate();
    await Promise.all(nodes.map((n) => n.kill()));
  }
}

/** Inbound broadcasts per node on one Redis and on a Redis Cluster (`--shards`). */
async function runShards(): Promise<void> {
  const nodes = 4;
  const roomsPerNode = 10;
  const rounds = quick ? 5 : 25;
  const single = new RedisServer();
  const cluster = new RedisCluster();
  await Promise.all([single.start(), cluster.start()]);
  try {
    const shape = { nodes, roomsPerNode, rounds };
    console.log(
      `redis-shards: ${nodes} nodes, each with one member in its own ${roomsPerNode} of ${nodes * roomsPerNode} rooms; every node emits to every room, ${rounds} rounds (${nodes * nodes * roomsPerNode * rounds} broadcasts); inbound = the broadcasts Redis brought each node`,
    );
    const line = (name: string, t: ShardTraffic, reference?: ShardTraffic): void => {
      const others = t.published - t.published / nodes; // what the other nodes emitted, per node
      const share = t.inbound.map((n) => `${Math.round((100 * n) / others)} %`).join(' / ');
      const ratio =
        reference === undefined
          ? ''
          : `  |  vs one Redis ${(median(t.inbound) / median(reference.inbound)).toFixed(2)}`;
      console.log(
        `${name.padEnd(36)} inbound per node ${t.inbound.join(' / ')}  |  needed ${t.needed.join(' / ')}  |  share of the others' traffic ${share}${ratio}`,
      );
    };
    const flat = await measureShardTraffic(
      () => new RedisAdapter({ url: single.url, keyPrefix: 'bench-flat', logger: false }),
      shape,
    );
    line('one Redis (PUBLISH, one channel)', flat);
    const sharded = await measureShardTraffic(
      () =>
        new RedisAdapter({
          cluster: { rootNodes: cluster.rootNodes },
          keyPrefix: 'bench-shards',
          logger: false,
        }),
      shape,
    );
    line('Redis Cluster (SPUBLISH per room)', sharded, flat);
  } finally {
    await Promise.all([single.stop(), cluster.stop()]);
  }
}

async function main(): Promise<void> {
  if (shardsOnly) return runShards();
  const redis = new RedisServer();
  await redis.start();
  const redisPid = (redis as unknown as { child?: { pid?: number } }).child?.pid;
  try {
    const off = await runPair(redis, redisPid, false);
    if (withRecovery) {
      const on = await runPair(redis, redisPid, true);
      console.log(
        `recovery on / off: cross-node ${(on.cross / off.cross).toFixed(2)}, same-node ${(on.local / off.local).toFixed(2)}`,
      );
    }
  } finally {
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
