/**
 * Sharded pub/sub on a Redis Cluster: with 4 nodes each holding a disjoint quarter of the rooms,
 * each node receives only the broadcasts of its own rooms (about a quarter of the traffic), where
 * on one Redis every node receives all of it. Fails if the cluster falls back to one channel.
 */
import { RedisAdapter } from 'ws-controllers/redis';
import { RedisCluster } from './support/redis-cluster';
import { describeRedis, RedisServer } from './support/redis-server';
import { measureShardTraffic } from './support/shard-traffic';

jest.setTimeout(90_000);

describeRedis('sharded pub/sub', () => {
  const cluster = new RedisCluster();
  const single = new RedisServer();

  beforeAll(() => Promise.all([cluster.start(), single.start()]), 90_000);
  afterAll(() => Promise.all([cluster.stop(), single.stop()]));

  test('4 nodes with disjoint quarters of 40 rooms: each receives a quarter on a cluster, all on one Redis', async () => {
    const sharded = await measureShardTraffic(
      () => new RedisAdapter({ cluster: { rootNodes: cluster.rootNodes }, keyPrefix: 'shards', logger: false }),
    );
    // 4 nodes × 40 rooms = 160 pushes; each node needs the 30 the other three sent to its 10 rooms.
    expect(sharded.published).toBe(160);
    expect(sharded.inbound).toEqual([30, 30, 30, 30]);
    const flat = await measureShardTraffic(() => new RedisAdapter({ url: single.url, keyPrefix: 'flat', logger: false }));
    // One channel: every node receives every push of the others (120), whatever rooms it holds.
    expect(flat.inbound).toEqual([120, 120, 120, 120]);
  });

  test('a node listens only to rooms with local members: the last leave unsubscribes', async () => {
    const { FakeHost } = await import('./support/fake-host');
    const host = new FakeHost();
    const other = new FakeHost();
    const a = new RedisAdapter({ cluster: { rootNodes: cluster.rootNodes }, keyPrefix: 'subs', logger: false });
    const b = new RedisAdapter({ cluster: { rootNodes: cluster.rootNodes }, keyPrefix: 'subs', logger: false });
    try {
      await a.init(host);
      await b.init(other);
      host.add('x');
      await a.clientConnected('x');
      await host.joinLocal('x', 'lobby');
      await a.joined('x', 'lobby');
      expect(a.roomChannels).toBe(1);
      await b.publish({ data: '"one"', rooms: ['lobby'] });
      await waitFor(() => host.broadcasts.length === 1);
      await host.leaveLocal('x', 'lobby');
      await a.left();
      await waitFor(() => a.roomChannels === 0);
      await b.publish({ data: '"two"', rooms: ['lobby'] });
      await b.publish({ data: '"after"' }); // app-wide: every node receives it, after the room push
      await waitFor(() => host.broadcasts.some((p) => p.data === '"after"'));
      expect(host.broadcasts.map((p) => p.data)).toEqual(['"one"', '"after"']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
