/**
 * The Redis recovery store on the user's own node-redis 6 client (RESP3, v6's default): the replies
 * it reads (hashes as maps, stream ranges, script results) come in RESP3 shapes there.
 */
import type { BroadcastPacket } from 'ws-controllers';
import { RedisAdapter, type NodeRedisClient } from 'ws-controllers/redis';
import type { RecoverySettings } from '../../src/recovery/store';
import { FakeHost } from './support/fake-host';
import { describeRedis, RedisServer } from './support/redis-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const v6 = require('redis-v6') as typeof import('redis');

const SETTINGS: RecoverySettings = { windowMs: 60_000, maxPerRoom: 100, historyTtlMs: 60_000 };

describeRedis('RedisRecoveryStore on node-redis 6 (RESP3)', () => {
  const redis = new RedisServer();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('sessions, logs, reads, claims and expiry work with a RESP3 client', async () => {
    const client = v6.createClient({ url: redis.url });
    client.on('error', () => {});
    const host = new FakeHost();
    const adapter = new RedisAdapter({
      client: client as unknown as NodeRedisClient,
      keyPrefix: 'v6rec',
      logger: false,
    });
    await adapter.init(host);
    const store = adapter.recoveryStore(host, SETTINGS);
    try {
      await store.create({
        id: 's',
        path: '/chat',
        secret: 'k',
        rooms: { r: '' },
        broadcastFrom: '',
        directFrom: '',
        data: '{"a":1}',
      });
      const first: BroadcastPacket = { data: '{"event":"m","payload":1}', rooms: ['r'] };
      const second: BroadcastPacket = { data: '{"event":"m","payload":2}', rooms: ['r'] };
      await store.publish(first);
      await store.publish(second);
      expect(host.broadcasts.map((p) => p.offsets)).toEqual([first.offsets, second.offsets]);
      expect(await store.get('s')).toEqual({
        id: 's',
        path: '/chat',
        secret: 'k',
        rooms: { r: '' },
        broadcastFrom: '',
        directFrom: '',
        data: '{"a":1}',
        node: host.nodeId,
      });
      const read = await store.read(
        's',
        {
          rooms: { r: first.offsets!.r! },
          direct: '',
          broadcast: '',
        },
        10,
      );
      expect(read.rooms.r).toEqual([
        {
          id: second.offsets!.r,
          data: second.data,
          at: expect.any(Number),
          rooms: ['r'],
        },
      ]);
      expect((await store.history('r', 10)).map((p) => p.data)).toEqual([first.data, second.data]);
      expect((await store.claim('s', 'k'))?.record.data).toBe('{"a":1}');
      expect(await store.detach('s', '{"a":2}', Date.now() - 1)).toBe(true);
      expect((await store.takeExpired(Date.now(), 10)).map((r) => [r.id, r.data])).toEqual([
        ['s', '{"a":2}'],
      ]);
    } finally {
      await store.close();
      await adapter.close({ timeoutMs: 1000 });
      if (client.isOpen) await client.close();
    }
  });
});
