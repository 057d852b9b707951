import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import type { TestSocket } from '../support/ws-test-client';
import {
  channelsOf,
  eventually,
  keysOf,
  openClient,
  redisCommand,
  startNode,
} from './support/cluster-helpers';
import { FakeHost } from './support/fake-host';
import { describeRedis, freePort, RedisServer } from './support/redis-server';

describeRedis('Redis adapter: what it leaves behind', () => {
  const redis = new RedisServer();
  let run = 0;
  const nextPrefix = (): string => `cleanup-${++run}`;

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('10,000 connect/disconnect cycles leave no Redis keys, subscriptions or pending requests behind', async () => {
    const keyPrefix = nextPrefix();
    const hostA = new FakeHost();
    const hostB = new FakeHost();
    const a = new RedisAdapter({ url: redis.url, keyPrefix, logger: false });
    const b = new RedisAdapter({ url: redis.url, keyPrefix, logger: false });
    await a.init(hostA);
    await b.init(hostB);
    const baselineKeys = [
      `${keyPrefix}:inbox:${hostA.nodeId}`,
      `${keyPrefix}:inbox:${hostB.nodeId}`,
      `${keyPrefix}:nodes`,
    ].sort();
    const baselineChannels = [
      `${keyPrefix}#broadcast`,
      `${keyPrefix}#request`,
      `${keyPrefix}#reply:${hostA.nodeId}`,
      `${keyPrefix}#reply:${hostB.nodeId}`,
    ].sort();
    expect(await keysOf(redis.url, keyPrefix)).toEqual(baselineKeys);

    let next = 0;
    const cycle = async (i: number): Promise<void> => {
      const id = randomBytes(12).toString('base64url');
      hostA.add(id);
      await a.clientConnected(id);
      await hostA.joinLocal(id, 'room');
      await a.joined();
      if (i % 100 === 0) expect(await b.sendRemote(id, `hello ${i}`)).toBe(true);
      if (i % 1000 === 0) expect(await b.members('room')).toContain(id);
      if (i % 1000 === 500) expect(await b.roomsOf(id)).toEqual(['room']);
      hostA.clients.delete(id);
      await a.clientDisconnected(id);
    };
    const worker = async (): Promise<void> => {
      while (next < 10_000) await cycle(next++);
    };
    await Promise.all(Array.from({ length: 50 }, worker));

    expect(await keysOf(redis.url, keyPrefix)).toEqual(baselineKeys);
    expect(await channelsOf(redis.url, keyPrefix)).toEqual(baselineChannels);
    expect(a.pendingRequests).toBe(0);
    expect(b.pendingRequests).toBe(0);
    expect(await b.ids()).toEqual([]);
    // Inboxes are trimmed as they are read.
    await eventually(
      async () => {
        const lengths = await redisCommand<number>(
          redis.url,
          ['XLEN', `${keyPrefix}:inbox:${hostA.nodeId}`],
          ['XLEN', `${keyPrefix}:inbox:${hostB.nodeId}`],
        );
        return lengths.every((n) => n <= 1);
      },
      2000,
      'inboxes trimmed',
    );

    await Promise.all([a.close(), b.close()]);
    expect(await keysOf(redis.url, keyPrefix)).toEqual([]);
    expect(await channelsOf(redis.url, keyPrefix)).toEqual([]);
  }, 60_000);

  test('real sockets connecting and leaving leave only the nodes’ own keys', async () => {
    const keyPrefix = nextPrefix();
    const a = await startNode({ url: redis.url, keyPrefix });
    const b = await startNode({ url: redis.url, keyPrefix });
    for (let i = 0; i < 100; i++) {
      const sockets: TestSocket[] = [];
      const client = await openClient(i % 2 ? a.app.port : b.app.port, sockets);
      await client.request('join', 'r');
      await client.close();
    }
    await eventually(async () => (await a.clients.count()) === 0, 3000, 'every client gone');
    expect(await keysOf(redis.url, keyPrefix)).toEqual(
      [
        `${keyPrefix}:inbox:${a.adapter.nodeId}`,
        `${keyPrefix}:inbox:${b.adapter.nodeId}`,
        `${keyPrefix}:nodes`,
      ].sort(),
    );
    await Promise.all([a.app.close(), b.app.close()]);
    expect(await keysOf(redis.url, keyPrefix)).toEqual([]);
  });

  test('a graceful close removes the node and its clients at once', async () => {
    const keyPrefix = nextPrefix();
    const a = await startNode({ url: redis.url, keyPrefix });
    const b = await startNode({ url: redis.url, keyPrefix });
    const sockets: TestSocket[] = [];
    const onB = await openClient(b.app.port, sockets);
    expect(await a.clients.ids()).toEqual([onB.id]);
    await b.app.close();
    expect(await a.clients.ids()).toEqual([]);
    expect(await a.clients.send(onB.id, 'gone')).toBe(false);
    expect(await keysOf(redis.url, keyPrefix)).toEqual(
      [`${keyPrefix}:inbox:${a.adapter.nodeId}`, `${keyPrefix}:nodes`].sort(),
    );
    await a.app.close();
  });

  test('a broadcast to a room is one PUBLISH whatever the number of members', async () => {
    const keyPrefix = nextPrefix();
    const a = await startNode({ url: redis.url, keyPrefix });
    const b = await startNode({ url: redis.url, keyPrefix });
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 30; i++)
      await (await openClient(i % 2 ? a.app.port : b.app.port, sockets)).request('join', 'big');
    const publishes = async (): Promise<number> => {
      const [info] = await redisCommand<string>(redis.url, ['INFO', 'commandstats']);
      return Number(/cmdstat_publish:calls=(\d+)/.exec(info ?? '')?.[1] ?? 0);
    };
    const before = await publishes();
    await a.rooms.to('big').emit('news', 1);
    await Promise.all(sockets.map((s) => s.next('news')));
    expect((await publishes()) - before).toBe(1);
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a.app.close(), b.app.close()]);
  });

  test('a user-supplied node-redis client is used and left open', async () => {
    const keyPrefix = nextPrefix();
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const a = await startNode({ client, keyPrefix });
    const b = await startNode({ url: redis.url, keyPrefix });
    const sockets: TestSocket[] = [];
    const onB = await openClient(b.app.port, sockets);
    expect(await a.clients.send(onB.id, 'via-own-client', 1)).toBe(true);
    expect((await onB.next('via-own-client')).payload).toBe(1);
    await onB.close();
    await Promise.all([a.app.close(), b.app.close()]);
    expect(client.isOpen).toBe(true);
    expect(await client.ping()).toBe('PONG');
    await client.close();
  });

  test('start-up fails with a clear error when Redis cannot be reached', async () => {
    const port = await freePort();
    const adapter = new RedisAdapter({
      url: `redis://127.0.0.1:${port}`,
      requestTimeoutMs: 500,
      logger: false,
    });
    await expect(adapter.init(new FakeHost())).rejects.toThrow(/could not reach Redis/);
    await adapter.close();
  });

  test('a client that is not a node-redis client is refused with a clear error', () => {
    const notNodeRedis = {
      call: () => Promise.resolve(),
      status: 'ready',
    } as unknown as RedisAdapterOptions['client'];
    expect(() => new RedisAdapter({ client: notNodeRedis })).toThrow(/must be a node-redis client/);
  });

  test('timing options that cannot purge within the node timeout are refused', () => {
    expect(() => new RedisAdapter({ url: redis.url, nodeTimeoutMs: 1000, heartbeatMs: 1000 })).toThrow(
      RangeError,
    );
  });
});
