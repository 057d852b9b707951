import type { TestSocket } from '../support/ws-test-client';
import { startChildNode, type ChildNode } from './support/child-node-process';
import {
  eventually,
  keysOf,
  openClient,
  redisCommand,
  startNode,
  type RedisNode,
} from './support/cluster-helpers';
import { describeRedis, RedisServer } from './support/redis-server';

// Small bounds so the tests run in seconds; the defaults are 30 s and 5 s.
const nodeTimeoutMs = 3000;
const heartbeatMs = 500;
const requestTimeoutMs = 600;

describeRedis('Redis adapter: nodes that die or stall', () => {
  const redis = new RedisServer();
  let prefix = '';
  let run = 0;
  let local: RedisNode;
  let child: ChildNode;
  let sockets: TestSocket[] = [];

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  beforeEach(async () => {
    prefix = `failure-${++run}`;
    sockets = [];
    const options = { url: redis.url, keyPrefix: prefix, nodeTimeoutMs, heartbeatMs, requestTimeoutMs };
    local = await startNode(options);
    child = await startChildNode(options);
  }, 30_000);

  afterEach(async () => {
    await child.kill();
    await Promise.all(sockets.map((s) => s.close()));
    await local.app.close();
  });

  test('a node killed with SIGKILL is purged within the node timeout: its clients vanish from ids, members and sends', async () => {
    const here = await openClient(local.app.port, sockets);
    const there = await openClient(child.port, sockets);
    await there.request('join', 'k');
    expect((await local.clients.ids()).sort()).toEqual([here.id, there.id].sort());
    expect(await local.rooms.members('k')).toEqual([there.id]);

    child.signal('SIGKILL');
    const killedAt = Date.now();
    const purged = async (): Promise<boolean> =>
      (await redisCommand(redis.url, ['ZSCORE', `${prefix}:nodes`, child.nodeId]))[0] === null;
    await eventually(purged, nodeTimeoutMs + 1500, 'purge of the killed node');
    expect(Date.now() - killedAt).toBeLessThanOrEqual(nodeTimeoutMs + 1500);
    expect(await local.clients.ids()).toEqual([here.id]);

    expect(await local.rooms.members('k')).toEqual([]);
    expect(await local.clients.send(there.id, 'hello')).toBe(false);
    expect(await keysOf(redis.url, prefix)).toEqual(
      [
        `${prefix}:clients`,
        `${prefix}:inbox:${local.adapter.nodeId}`,
        `${prefix}:node:${local.adapter.nodeId}:clients`,
        `${prefix}:nodes`,
      ].sort(),
    );
    const [owner] = await redisCommand(redis.url, ['HGET', `${prefix}:clients`, there.id]);
    expect(owner).toBeNull();
    expect(local.adapter.pendingRequests).toBe(0);
  });

  test('while a node is paused with SIGSTOP, lookups and sends resolve at their timeout with what arrived; after SIGCONT it registers again', async () => {
    const here = await openClient(local.app.port, sockets);
    const there = await openClient(child.port, sockets);
    await here.request('join', 'p');
    await there.request('join', 'p');
    expect((await local.rooms.members('p')).sort()).toEqual([here.id, there.id].sort());

    child.signal('SIGSTOP');
    // Partial answers, not hangs: the paused node is still listed as live, so each waits its timeout.
    expect(await local.rooms.members('p')).toEqual([here.id]);
    expect(await local.clients.count()).toBe(1);
    expect(await local.clients.send(there.id, 'lost')).toBe(false);
    expect(local.adapter.pendingRequests).toBe(0);

    // Purged after the node timeout...
    await eventually(
      async () => (await redisCommand(redis.url, ['ZSCORE', `${prefix}:nodes`, child.nodeId]))[0] === null,
      nodeTimeoutMs + 1500,
      'purge of the paused node',
    );
    expect(await local.clients.ids()).toEqual([here.id]);

    // ...and back once it resumes: registered again, with its client and its memberships.
    child.signal('SIGCONT');
    await eventually(async () => (await local.clients.ids()).length === 2, 5000, 're-registration');
    expect((await local.rooms.members('p')).sort()).toEqual([here.id, there.id].sort());
    expect(await local.clients.send(there.id, 'welcome-back', 1)).toBe(true);
    expect((await there.next('welcome-back')).payload).toBe(1);
    // The send made while it was paused expired and was dropped, never delivered late.
    expect(there.received.filter((m) => m.event === 'lost')).toEqual([]);
  });
});
