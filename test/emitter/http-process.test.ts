/**
 * The emitter from a separate process that holds no sockets: a plain `http` server whose handler
 * calls it, reaching clients connected to two nodes through the Redis they share.
 */
import type { TestSocket } from '../support/ws-test-client';
import { connect, urlOf } from '../support/ws-test-client';
import { openClient, startNode, type RedisNode } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { startHttpEmitter, type HttpEmitter } from './support/http-emitter';

describeRedis('Emitter in an HTTP process: reaching clients on two nodes', () => {
  const redis = new RedisServer();
  const keyPrefix = 'emitter-http';
  let a: RedisNode;
  let b: RedisNode;
  let api: HttpEmitter;
  let sockets: TestSocket[] = [];

  beforeAll(async () => {
    await redis.start();
    a = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 3000 });
    b = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 3000 });
    api = await startHttpEmitter({ url: redis.url, keyPrefix, requestTimeoutMs: 3000 });
  }, 30_000);

  afterAll(async () => {
    api.kill();
    await Promise.all([a.app.close(), b.app.close()]);
    await redis.stop();
  });

  beforeEach(() => {
    sockets = [];
  });

  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });

  test('emit to a room reaches its members on both nodes and no one else', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    const outsider = await openClient(b.app.port, sockets);
    await onA.request('join', 'general');
    await onB.request('join', 'general');

    const answer = await api.post('/emit', {
      rooms: ['general'],
      event: 'announcement',
      payload: { text: 'Deploy at 5' },
    });
    expect(answer).toEqual({ status: 200, body: { result: null } });
    expect((await onA.next('announcement')).payload).toEqual({ text: 'Deploy at 5' });
    expect((await onB.next('announcement')).payload).toEqual({ text: 'Deploy at 5' });

    // Broadcasts from one publisher arrive in order: once the next one is in, the first is not coming.
    await api.post('/broadcast', { event: 'marker' });
    await outsider.next('marker');
    expect(outsider.received.map((m) => m.event)).not.toContain('announcement');
  });

  test('emit leaves out the excepted clients', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    await onA.request('join', 'quiet');
    await onB.request('join', 'quiet');
    await api.post('/emit', { rooms: ['quiet'], except: [onA.id], event: 'psst', payload: 1 });
    await api.post('/emit', { rooms: ['quiet'], event: 'after', payload: 2 });
    expect((await onB.next('psst')).payload).toBe(1);
    await onA.next('after');
    expect(onA.received.map((m) => m.event)).not.toContain('psst');
  });

  test('send resolves true once the client on either node received it', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    const toB = await api.post('/send', {
      clientId: onB.id,
      event: 'notice',
      payload: { text: 'Your export is ready' },
    });
    expect(toB).toEqual({ status: 200, body: { result: true } });
    // The ack comes from B after its socket took the frame, so it is already here or on its way.
    expect((await onB.next('notice')).payload).toEqual({ text: 'Your export is ready' });
    expect((await api.post('/send', { clientId: onA.id, event: 'notice', payload: 2 })).body.result).toBe(
      true,
    );
    expect((await onA.next('notice')).payload).toBe(2);
  });

  test('send and disconnect to an unknown id resolve false', async () => {
    expect((await api.post('/send', { clientId: 'no-such-client', event: 'notice' })).body).toEqual({
      result: false,
    });
    expect((await api.post('/disconnect', { clientId: 'no-such-client', code: 4001 })).body).toEqual({
      result: false,
    });
  });

  test('broadcast with a path reaches that path on both nodes only', async () => {
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    const other = await connect(urlOf(b.app.port, '/other'));
    sockets.push(other);
    await other.request('whoami');
    await api.post('/broadcast', { event: 'maintenance', payload: { at: '17:00' }, path: '/room' });
    await api.post('/broadcast', { event: 'everyone' });
    expect((await onA.next('maintenance')).payload).toEqual({ at: '17:00' });
    expect((await onB.next('maintenance')).payload).toEqual({ at: '17:00' });
    await other.next('everyone');
    expect(other.received.map((m) => m.event)).not.toContain('maintenance');
  });

  test('disconnect closes the client on its node with the code and reason', async () => {
    const onB = await openClient(b.app.port, sockets);
    const answer = await api.post('/disconnect', { clientId: onB.id, code: 4001, reason: 'Account closed' });
    expect(answer.body).toEqual({ result: true });
    expect(await onB.closed).toEqual({ code: 4001, reason: 'Account closed' });
  });

  test('a close code that cannot be sent is refused before anything crosses Redis', async () => {
    const onA = await openClient(a.app.port, sockets);
    const answer = await api.post('/disconnect', { clientId: onA.id, code: 1006 });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/1006 is not a close code/);
    expect((await onA.request('whoami')).payload).toBe(onA.id);
  });
});

describeRedis('Emitter in an HTTP process: Redis away', () => {
  const redis = new RedisServer();

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('with Redis gone every call answers 503 CLUSTER_UNAVAILABLE within its timeout, and the process still closes', async () => {
    const keyPrefix = 'emitter-away';
    const node = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 1500 });
    const sockets: TestSocket[] = [];
    const client = await openClient(node.app.port, sockets);
    const api = await startHttpEmitter({ url: redis.url, keyPrefix, requestTimeoutMs: 1500 });
    try {
      expect((await api.post('/send', { clientId: client.id, event: 'up' })).body.result).toBe(true);
      await redis.stop();
      for (const [route, body] of [
        ['/send', { clientId: client.id, event: 'lost' }],
        ['/emit', { rooms: ['r'], event: 'lost' }],
        ['/broadcast', { event: 'lost' }],
        ['/disconnect', { clientId: client.id }],
      ] as const) {
        const answer = await api.post(route, body);
        expect({ route, status: answer.status, code: answer.body.code }).toEqual({
          route,
          status: 503,
          code: 'CLUSTER_UNAVAILABLE',
        });
        expect(answer.body.message).toMatch(/Redis could not be reached/);
      }
      const stopped = await api.stop();
      expect(stopped.exitCode).toBe(0);
      expect(stopped.closedInMs).toBeLessThan(2500); // close() gives up on Redis at its 2 s timeout
    } finally {
      api.kill();
      await redis.start();
      await Promise.all(sockets.map((s) => s.close()));
      await node.app.close();
    }
  }, 30_000);
});
