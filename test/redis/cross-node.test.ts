import type { TestSocket } from '../support/ws-test-client';
import { openClient, startNode, type RedisNode } from './support/cluster-helpers';
import { describeRedis, RedisServer } from './support/redis-server';

describeRedis('Redis adapter: commands to a client on another node', () => {
  const redis = new RedisServer();
  let run = 0;
  let a: RedisNode;
  let b: RedisNode;
  let sockets: TestSocket[] = [];

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  beforeEach(async () => {
    // Room for a loaded machine: every send here is expected to succeed.
    const options = { url: redis.url, keyPrefix: `cross-${++run}`, requestTimeoutMs: 5000 };
    sockets = [];
    a = await startNode(options);
    b = await startNode(options);
  });

  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a.app.close(), b.app.close()]);
  });

  test('a binary frame sent by id arrives on the other node as the same bytes', async () => {
    const onB = await openClient(b.app.port, sockets);
    const bytes = Uint8Array.from([0, 1, 2, 254, 255, 10, 13]);
    const frame = onB.nextRaw();
    expect(await a.clients.sendRaw(onB.id, bytes)).toBe(true);
    const received = await frame;
    expect(received.isBinary).toBe(true);
    expect([...received.data]).toEqual([...bytes]);
  });

  test('many sends by id to one remote client arrive once each and in order', async () => {
    const onB = await openClient(b.app.port, sockets);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => a.clients.send(onB.id, 'seq', i)),
    );
    expect(results.every(Boolean)).toBe(true);
    await onB.waitFor((m) => m.event === 'seq' && m.payload === 199);
    expect(onB.received.filter((m) => m.event === 'seq').map((m) => m.payload)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    expect(a.adapter.pendingRequests).toBe(0);
  });

  test('roomsOf a client on another node lists its explicit rooms', async () => {
    const onB = await openClient(b.app.port, sockets);
    await onB.request('join', 'one');
    await a.rooms.join(onB.id, 'two');
    expect((await a.rooms.roomsOf(onB.id)).sort()).toEqual(['one', 'two']);
  });
});
