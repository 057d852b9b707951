/**
 * The emitter on node-redis 6 (the dev dependency alias `redis-v6`; `redis` is mapped to it for this
 * file): with the connections it opens from a URL and with the user's own v6 client (RESP3, v6's
 * default), reaching clients on two nodes; and a close with Redis frozen.
 */
import { createEmitter, type Emitter, type NodeRedisClient } from 'ws-controllers/emitter';
import type { TestSocket } from '../support/ws-test-client';
import { openClient, redisCommand, startNode, type RedisNode } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';

jest.mock('redis', () => jest.requireActual('redis-v6'));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const v6 = require('redis-v6') as typeof import('redis');

describeRedis('Emitter on node-redis 6', () => {
  const redis = new RedisServer();
  const keyPrefix = 'emitter-v6';
  let a: RedisNode;
  let b: RedisNode;
  let sockets: TestSocket[] = [];

  beforeAll(async () => {
    await redis.start();
    a = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 3000 });
    b = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 3000 });
  });
  afterAll(async () => {
    await Promise.all([a.app.close(), b.app.close()]);
    await redis.stop();
  });
  beforeEach(() => {
    sockets = [];
  });
  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });

  test('the emitter really runs on v6 here', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('redis') as unknown) === (v6 as unknown)).toBe(true);
  });

  const scenarios: Array<[string, () => { emitter: Emitter; done: () => Promise<void> }]> = [
    [
      'connections it opens from a URL',
      () => ({
        emitter: createEmitter({ url: redis.url, keyPrefix, requestTimeoutMs: 3000, logger: false }),
        done: async () => {},
      }),
    ],
    [
      'the user’s own v6 client (RESP3), left open',
      () => {
        const client = v6.createClient({ url: redis.url });
        client.on('error', () => {});
        const emitter = createEmitter({
          client: client as unknown as NodeRedisClient,
          keyPrefix,
          requestTimeoutMs: 3000,
          logger: false,
        });
        return {
          emitter,
          done: async () => {
            expect(client.isOpen).toBe(true);
            expect(await client.ping()).toBe('PONG');
            await client.close();
          },
        };
      },
    ],
  ];

  test.each(scenarios)('with %s: emit, send and disconnect reach clients on both nodes', async (_, make) => {
    const { emitter, done } = make();
    try {
      const onA = await openClient(a.app.port, sockets);
      const onB = await openClient(b.app.port, sockets);
      await onA.request('join', 'general');
      await onB.request('join', 'general');
      await emitter.to('general').emit('announcement', { text: 'Deploy at 5' });
      expect((await onA.next('announcement')).payload).toEqual({ text: 'Deploy at 5' });
      expect((await onB.next('announcement')).payload).toEqual({ text: 'Deploy at 5' });
      expect(await emitter.send(onB.id, 'notice', 1)).toBe(true);
      expect((await onB.next('notice')).payload).toBe(1);
      expect(await emitter.send('unknown', 'notice')).toBe(false);
      expect(await emitter.disconnect(onA.id, 4001, 'Account closed')).toBe(true);
      expect(await onA.closed).toEqual({ code: 4001, reason: 'Account closed' });
    } finally {
      await emitter.close();
    }
    await done();
  });
});

describeRedis('Emitter on node-redis 6: Redis frozen', () => {
  const redis = new RedisServer();
  beforeAll(() => redis.start());
  afterAll(async () => {
    redis.signal('SIGCONT');
    await redis.stop();
  });

  test('send rejects with CLUSTER_UNAVAILABLE and close() resolves within its timeout; nothing throws after the thaw', async () => {
    const emitter = createEmitter({
      url: redis.url,
      keyPrefix: 'v6-frozen',
      requestTimeoutMs: 1500,
      logger: false,
    });
    await emitter.broadcast('warm-up');
    redis.signal('SIGSTOP');
    await expect(emitter.send('someone', 'x')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
    const started = Date.now();
    await emitter.close({ timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(1500);
    const faults: unknown[] = [];
    const onFault = (error: unknown): void => void faults.push(error);
    process.on('uncaughtException', onFault);
    process.on('unhandledRejection', onFault);
    try {
      redis.signal('SIGCONT');
      // Once Redis answers again, it has also answered what was pending on the destroyed connections.
      await redisCommand(redis.url, ['PING']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(faults).toEqual([]);
    } finally {
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    }
  });
});
