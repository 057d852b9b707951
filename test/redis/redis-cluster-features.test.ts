/**
 * Session recovery and presence on a Redis Cluster (3 masters, 3 replicas, started here): the shared
 * recovery suite over real sockets (room logs spread over the shards, sessions in the prefix's slot),
 * and presence tracked on one node seen on another.
 */
import { bootstrap, PresenceService, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { PresenceModule } from '../fixtures/presence-app';
import { idsOf, nextDiff, openPresence } from '../presence/support';
import { recoverySuite } from '../recovery/suite';
import type { TestSocket } from '../support/ws-test-client';
import { RedisCluster } from './support/redis-cluster';
import { describeRedis } from './support/redis-server';

jest.setTimeout(60_000);

const redis = new RedisCluster();

describeRedis('Redis Cluster: recovery and presence', () => {
  beforeAll(() => redis.start(), 90_000);
  afterAll(() => redis.stop());

  recoverySuite('Redis Cluster', (prefix) =>
    new RedisAdapter({ cluster: { rootNodes: redis.rootNodes }, keyPrefix: prefix, requestTimeoutMs: 5000 }),
  );

  describe('presence', () => {
    let apps: WsApp[] = [];
    let sockets: TestSocket[] = [];
    afterEach(async () => {
      await Promise.all(sockets.map((s) => s.close()));
      await Promise.all(apps.map((a) => a.close()));
      apps = [];
      sockets = [];
    });

    async function node(): Promise<WsApp> {
      const adapter = new RedisAdapter({ cluster: { rootNodes: redis.rootNodes }, keyPrefix: 'presence-cluster', logger: false });
      const app = await bootstrap(PresenceModule, { port: 0, host: '127.0.0.1', logger: false, adapter, presence: { diffIntervalMs: 50 } });
      apps.push(app);
      return app;
    }

    test('a track on one node reaches members on the other; list() is cluster-wide; a close leaves', async () => {
      const one = await node();
      const two = await node();
      const member = await openPresence(two.port, sockets);
      await member.request('join', 'r');
      const a = await openPresence(one.port, sockets);
      await a.request('track', { room: 'r', meta: { name: 'ann' } });
      expect(await nextDiff(member, 'r')).toEqual({
        room: 'r',
        joins: [{ clientId: a.id, meta: { name: 'ann' }, since: expect.any(Number) }],
        leaves: [],
      });
      expect(idsOf(await two.get(PresenceService).list('r'))).toEqual([a.id]);
      await a.close();
      expect(await nextDiff(member, 'r')).toEqual({ room: 'r', joins: [], leaves: [expect.objectContaining({ clientId: a.id })] });
      expect(await one.get(PresenceService).list('r')).toEqual([]);
    });
  });
});
