import { ClusterUnavailableError } from 'ws-controllers/redis';
import type { TestSocket } from '../support/ws-test-client';
import { eventually, openClient, redisCommand, startNode, type RedisNode } from './support/cluster-helpers';
import { describeRedis, RedisServer } from './support/redis-server';

describeRedis('Redis adapter: Redis stopped and restarted under traffic', () => {
  const redis = new RedisServer();
  let prefix = '';
  let run = 0;
  let a: RedisNode;
  let b: RedisNode;
  let sockets: TestSocket[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    await redis.start();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis.stop();
  });

  beforeEach(async () => {
    prefix = `restart-${++run}`;
    sockets = [];
    const options = {
      url: redis.url,
      keyPrefix: prefix,
      heartbeatMs: 200,
      nodeTimeoutMs: 3000,
      requestTimeoutMs: 3000,
    };
    a = await startNode(options);
    b = await startNode(options);
  });

  afterEach(async () => {
    await redis.start().catch(() => {}); // a failed test may leave it stopped
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a.app.close(), b.app.close()]);
    expect(unhandled).toEqual([]);
  });

  test('local delivery continues while Redis is down, cluster delivery and the registry come back after it restarts, and nothing crashes', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    await onA.request('join', 'r');
    await onB.request('join', 'r');

    // Traffic from node A the whole time.
    let n = 0;
    let stopTraffic = false;
    const traffic = (async () => {
      while (!stopTraffic) {
        await a.rooms.to('r').emit('tick', ++n);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await redis.stop();
    await eventually(
      () => !a.adapter.isConnected() && !b.adapter.isConnected(),
      3000,
      'both nodes seeing Redis down',
    );
    // Local delivery never waits on Redis: an emit resolves and reaches the local member at once.
    const before = n;
    await a.rooms.to('r').emit('local-only', 'x');
    expect((await onA.next('local-only')).payload).toBe('x');
    expect(n - before).toBeLessThan(50);
    await onA.waitFor((m) => m.event === 'tick' && (m.payload as number) > before + 3);
    // Cluster lookups fail fast with a clear error instead of hanging.
    await expect(a.rooms.members('r')).rejects.toBeInstanceOf(ClusterUnavailableError);

    await redis.start(); // empty: the registry is gone
    // Cluster delivery resumes within a few seconds...
    const resumedFrom = n;
    await onB.waitFor(
      (m) => m.event === 'tick' && (m.payload as number) > resumedFrom,
      5000,
      'ticks on node B again',
    );
    stopTraffic = true;
    await traffic;
    // ...and the registry is rebuilt from the nodes' own state.
    await eventually(
      async () =>
        (await redisCommand(redis.url, ['HGET', `${prefix}:clients`, onB.id]))[0] === b.adapter.nodeId,
      5000,
      'registry rebuilt',
    );
    expect((await a.rooms.members('r')).sort()).toEqual([onA.id, onB.id].sort());
    expect(await a.clients.send(onB.id, 'direct', 1)).toBe(true);
    expect((await onB.next('direct')).payload).toBe(1);
  });

  test('a send by id made during a short Redis blip is delivered once Redis is back', async () => {
    const onB = await openClient(b.app.port, sockets);
    await redis.stop();
    await eventually(() => !a.adapter.isConnected(), 3000, 'node A seeing Redis down');
    const sent = a.clients.send(onB.id, 'through-the-blip', 7);
    await new Promise((r) => setTimeout(r, 300));
    await redis.start();
    expect(await sent).toBe(true);
    expect((await onB.next('through-the-blip')).payload).toBe(7);
    expect(onB.received.filter((m) => m.event === 'through-the-blip')).toHaveLength(1);
  });

  test('while Redis is frozen, emits still resolve at once and lookups and sends give up at their timeout', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    await onA.request('join', 'f');
    redis.signal('SIGSTOP');
    try {
      await a.rooms.to('f').emit('frozen-local', 1);
      expect((await onA.next('frozen-local')).payload).toBe(1);
      const [sent, members] = await Promise.allSettled([a.clients.send(onB.id, 'x'), a.rooms.members('f')]);
      expect(sent).toEqual({ status: 'fulfilled', value: false });
      expect(members).toMatchObject({ status: 'rejected', reason: expect.any(ClusterUnavailableError) });
      expect(a.adapter.pendingRequests).toBe(0);
    } finally {
      redis.signal('SIGCONT');
    }
    await eventually(
      async () => (await a.clients.send(onB.id, 'thawed', 2)) === true,
      8000,
      'sends working again',
    );
    expect((await onB.next('thawed')).payload).toBe(2);
  });

  test('a node closes promptly while Redis is down', async () => {
    await openClient(a.app.port, sockets);
    await redis.stop();
    await eventually(() => !a.adapter.isConnected(), 3000, 'node A seeing Redis down');
    await Promise.all([a.app.close(), b.app.close()]);
    expect(a.adapter.pendingRequests).toBe(0);
  });

  test('a send by id gives up with false at the request timeout when Redis stays away', async () => {
    const onB = await openClient(b.app.port, sockets);
    await redis.stop();
    await eventually(() => !a.adapter.isConnected(), 3000, 'node A seeing Redis down');
    expect(await a.clients.send(onB.id, 'never')).toBe(false);
    expect(a.adapter.pendingRequests).toBe(0);
  });
});
