/**
 * The emitter's failure paths, in this process: a node that does not ack (timeout → false), an
 * unknown id, Redis frozen, dead or not there yet, a closed emitter, bad arguments; and what it
 * leaves in Redis.
 */
import { createClient } from 'redis';
import { ClusterUnavailableError, createEmitter, type Emitter } from 'ws-controllers/emitter';
import type { TestSocket } from '../support/ws-test-client';
import { startChildNode, type ChildNode } from '../redis/support/child-node-process';
import {
  channelsOf,
  eventually,
  keysOf,
  openClient,
  redisCommand,
  startNode,
} from '../redis/support/cluster-helpers';
import { describeRedis, freePort, RedisServer } from '../redis/support/redis-server';

describeRedis('Emitter: failure paths', () => {
  const redis = new RedisServer();
  let run = 0;
  const emitters: Emitter[] = [];
  const open = (keyPrefix: string, requestTimeoutMs = 1500): Emitter => {
    const emitter = createEmitter({ url: redis.url, keyPrefix, requestTimeoutMs, logger: false });
    emitters.push(emitter);
    return emitter;
  };

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  afterEach(async () => {
    await Promise.all(emitters.splice(0).map((e) => e.close()));
  });

  test('a send to a client whose node stopped answering resolves false at the timeout, and is never delivered late', async () => {
    const keyPrefix = `emitter-fail-${++run}`;
    const child: ChildNode = await startChildNode({ url: redis.url, keyPrefix, requestTimeoutMs: 600 });
    const sockets: TestSocket[] = [];
    try {
      const client = await openClient(child.port, sockets);
      const emitter = open(keyPrefix);
      expect(await emitter.send(client.id, 'before', 1)).toBe(true);
      child.signal('SIGSTOP');
      expect(await emitter.send(client.id, 'lost', 2)).toBe(false);
      child.signal('SIGCONT');
      expect(await emitter.send(client.id, 'after', 3)).toBe(true);
      await client.next('after');
      expect(client.received.map((m) => m.event).filter((e) => e !== 'whoami')).toEqual(['before', 'after']);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await child.kill();
    }
  }, 30_000);

  test('an unknown id is false even with no node running at all', async () => {
    const emitter = open(`emitter-fail-${++run}`);
    expect(await emitter.send('nobody', 'x')).toBe(false);
    expect(await emitter.disconnect('nobody')).toBe(false);
  });

  test('a node never waits for an emitter in its own lookups', async () => {
    const keyPrefix = `emitter-fail-${++run}`;
    // A lookup that waited for the emitter would wait for its 30 s timeout (or the next heartbeat,
    // 20 s away, to drop it from the peers): either outlives this test.
    const node = await startNode({
      url: redis.url,
      keyPrefix,
      requestTimeoutMs: 30_000,
      nodeTimeoutMs: 60_000,
      heartbeatMs: 20_000,
    });
    try {
      const emitter = open(keyPrefix);
      expect(await emitter.send('unknown-id', 'x')).toBe(false); // asks every node where the id is
      expect(await node.clients.ids()).toEqual([]);
      expect(await node.rooms.members('any')).toEqual([]);
    } finally {
      await node.app.close();
    }
  }, 8000);

  test('the emitter keeps only an expiring inbox in Redis and removes it on close', async () => {
    const keyPrefix = `emitter-fail-${++run}`;
    const node = await startNode({ url: redis.url, keyPrefix, nodeTimeoutMs: 3000, heartbeatMs: 500 });
    try {
      const emitter = createEmitter({
        url: redis.url,
        keyPrefix,
        nodeTimeoutMs: 3000,
        heartbeatMs: 500,
        logger: false,
      });
      await emitter.broadcast('warm-up');
      const inbox = `${keyPrefix}:inbox:${emitter.id}`;
      expect(await keysOf(redis.url, keyPrefix)).toContain(inbox);
      const [ttl] = await redisCommand<number>(redis.url, ['PTTL', inbox]);
      expect(ttl).toBeGreaterThan(0); // an emitter that dies leaves nothing behind for long
      expect(ttl).toBeLessThanOrEqual(3000);
      expect(await channelsOf(redis.url, keyPrefix)).toContain(`${keyPrefix}#reply:${emitter.id}`);
      await emitter.close();
      expect(await keysOf(redis.url, keyPrefix)).not.toContain(inbox);
      expect(await channelsOf(redis.url, keyPrefix)).not.toContain(`${keyPrefix}#reply:${emitter.id}`);
      expect(
        (await redisCommand<string[]>(redis.url, ['ZRANGE', `${keyPrefix}:nodes`, '0', '-1']))[0],
      ).toEqual([node.adapter.nodeId]);
    } finally {
      await node.app.close();
    }
  });

  test('a closed emitter rejects every call, and close() can be called again', async () => {
    const emitter = open(`emitter-fail-${++run}`);
    await emitter.close();
    await expect(emitter.send('a', 'x')).rejects.toThrow(/after close\(\)/);
    await expect(emitter.to('r').emit('x')).rejects.toThrow(/after close\(\)/);
    await expect(emitter.close()).resolves.toBeUndefined();
    expect(emitter.isConnected()).toBe(false);
  });

  test('bad arguments are refused with a TypeError or RangeError, before anything reaches Redis', async () => {
    const emitter = open(`emitter-fail-${++run}`);
    expect(() => emitter.to('')).toThrow(TypeError);
    await expect(emitter.broadcast('')).rejects.toThrow(TypeError);
    await expect(emitter.send('', 'x')).rejects.toThrow(/client id/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(emitter.send('a', 'x', circular)).rejects.toThrow(TypeError);
    await expect(emitter.disconnect('a', 999)).rejects.toThrow(RangeError);
    await expect(emitter.disconnect('a', 4000, 'x'.repeat(124))).rejects.toThrow(RangeError);
    await expect(emitter.sendRaw('a', 42 as unknown as string)).rejects.toThrow(TypeError);
  });

  test('a user-supplied node-redis client is used and left open', async () => {
    const keyPrefix = `emitter-fail-${++run}`;
    const node = await startNode({ url: redis.url, keyPrefix });
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    const sockets: TestSocket[] = [];
    try {
      const socket = await openClient(node.app.port, sockets);
      const emitter = createEmitter({ client, keyPrefix, logger: false });
      expect(await emitter.send(socket.id, 'via-own-client', 1)).toBe(true);
      expect((await socket.next('via-own-client')).payload).toBe(1);
      await emitter.close();
      expect(client.isOpen).toBe(true);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await node.app.close();
      await client.close();
    }
  });
});

describeRedis('Emitter: Redis frozen, dead, or not there yet', () => {
  const redis = new RedisServer();

  beforeEach(() => redis.start());
  afterEach(async () => {
    redis.signal('SIGCONT');
    await redis.stop();
  });

  test('with Redis frozen, emit and send reject with CLUSTER_UNAVAILABLE at their timeout and close() still resolves', async () => {
    const emitter = createEmitter({
      url: redis.url,
      keyPrefix: 'frozen',
      requestTimeoutMs: 1500,
      logger: false,
    });
    await emitter.broadcast('warm-up');
    redis.signal('SIGSTOP');
    await expect(emitter.to('r').emit('x')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
    await expect(emitter.broadcast('x')).rejects.toBeInstanceOf(ClusterUnavailableError);
    await expect(emitter.send('someone', 'x')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
    const started = Date.now();
    await emitter.close({ timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('with Redis dead, calls reject with CLUSTER_UNAVAILABLE; once it is back they work again', async () => {
    const keyPrefix = 'dead';
    const emitter = createEmitter({ url: redis.url, keyPrefix, requestTimeoutMs: 1500, logger: false });
    const node = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 1500 });
    const sockets: TestSocket[] = [];
    try {
      const socket = await openClient(node.app.port, sockets);
      expect(await emitter.send(socket.id, 'one')).toBe(true);
      await redis.stop();
      await expect(emitter.send(socket.id, 'lost')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
      await expect(emitter.broadcast('lost')).rejects.toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
      await redis.start();
      // Back: the node re-registers its client and the emitter's inbox is recreated by its heartbeat.
      await eventually(
        async () => (await emitter.send(socket.id, 'two').catch(() => false)) === true,
        10_000,
        'send after restart',
      );
      expect(socket.received.map((m) => m.event).filter((e) => e !== 'whoami' && e !== 'two')).toEqual([
        'one',
      ]);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await node.app.close();
      await emitter.close();
    }
  }, 30_000);

  test('an emitter created before Redis is up rejects until it is, then connects by itself', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const emitter = createEmitter({ url, keyPrefix: 'late', requestTimeoutMs: 300, logger: false });
    const started = Date.now();
    await expect(emitter.broadcast('early')).rejects.toThrow(
      /Redis could not be reached: emitter.broadcast\(\)/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(emitter.isConnected()).toBe(false);
    const late = new RedisServer();
    late.port = port;
    await late.start();
    try {
      await eventually(
        async () =>
          await emitter.broadcast('on-time').then(
            () => true,
            () => false,
          ),
        10_000,
        'connected',
      );
      expect(emitter.isConnected()).toBe(true);
    } finally {
      await emitter.close();
      await late.stop();
    }
  }, 20_000);
});
