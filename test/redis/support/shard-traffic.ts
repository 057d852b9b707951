/**
 * @module test/redis/support/shard-traffic
 * Inbound broadcast traffic per node: N adapters (fake hosts, no sockets), each with one local member
 * in its own disjoint share of the rooms; every node emits to every room; each node counts the
 * broadcasts Redis brought it. Shared by the cluster sharding test and `npm run bench:redis -- --shards`.
 */
import type { RedisAdapter } from 'ws-controllers/redis';
import { FakeHost } from './fake-host';

/** What one run measured. */
export interface ShardTraffic {
  /** Broadcasts published in all (one per node and room, times `rounds`). */
  published: number;
  /** Broadcasts each node received from Redis. */
  inbound: number[];
  /** Broadcasts each node would need (those to its own rooms, from the other nodes). */
  needed: number[];
}

/** Runs the measurement on adapters made by `make` (closed at the end). */
export async function measureShardTraffic(
  make: () => RedisAdapter,
  options: { nodes?: number; roomsPerNode?: number; rounds?: number } = {},
): Promise<ShardTraffic> {
  const nodes = options.nodes ?? 4;
  const roomsPerNode = options.roomsPerNode ?? 10;
  const rounds = options.rounds ?? 1;
  const rooms = Array.from({ length: nodes * roomsPerNode }, (_, i) => `room-${i}`);
  const hosts = Array.from({ length: nodes }, () => new FakeHost());
  const adapters = hosts.map(() => make());
  try {
    for (let i = 0; i < nodes; i++) await adapters[i]!.init(hosts[i]!);
    for (let i = 0; i < nodes; i++) {
      const id = `member-${i}`;
      hosts[i]!.add(id);
      await adapters[i]!.clientConnected(id);
      for (const room of rooms.slice(i * roomsPerNode, (i + 1) * roomsPerNode)) {
        await hosts[i]!.joinLocal(id, room);
        await adapters[i]!.joined(id, room);
      }
    }
    const published = nodes * rooms.length * rounds;
    const needed = hosts.map(() => (nodes - 1) * roomsPerNode * rounds);
    for (let round = 0; round < rounds; round++)
      for (let i = 0; i < nodes; i++)
        for (const room of rooms) await adapters[i]!.publish({ data: `{"event":"m","payload":${round}}`, rooms: [room] });
    // Every node has received at least what it needs (its rooms' pushes from the others) ...
    const deadline = Date.now() + 20_000;
    const mine = (i: number): number =>
      hosts[i]!.broadcasts.filter((p) => p.rooms?.some((r) => hosts[i]!.localMembers(r).length > 0)).length;
    while (hosts.some((_, i) => mine(i) < needed[i]!)) {
      if (Date.now() > deadline) throw new Error(`missing broadcasts: ${hosts.map((_, i) => mine(i)).join(', ')} of ${needed.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // ... then a marker on the app-wide channel, sent last by every node, bounds what is still on its way.
    for (const adapter of adapters) await adapter.publish({ data: '{"event":"end"}' });
    while (hosts.some((host) => host.broadcasts.filter((p) => p.data === '{"event":"end"}').length < nodes - 1)) {
      if (Date.now() > deadline) throw new Error('the end markers did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const inbound = hosts.map((host) => host.broadcasts.filter((p) => p.data !== '{"event":"end"}').length);
    return { published, inbound, needed };
  } finally {
    await Promise.all(adapters.map((adapter) => adapter.close({ timeoutMs: 1000 })));
  }
}
