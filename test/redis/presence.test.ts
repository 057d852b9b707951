import { bootstrap, PresenceService, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { PresenceModule } from '../fixtures/presence-app';
import { diffsOf, idsOf, nextDiff, openPresence } from '../presence/support';
import type { TestSocket } from '../support/ws-test-client';
import { startChildNode, type ChildNode } from './support/child-node-process';
import { eventually, keysOf } from './support/cluster-helpers';
import { describeRedis, RedisServer } from './support/redis-server';

// Small bounds so a purge happens in seconds; the defaults are 30 s and 5 s.
const nodeTimeoutMs = 2000;
const heartbeatMs = 400;

describeRedis('Presence on Redis', () => {
  const redis = new RedisServer();
  let prefix = '';
  let run = 0;
  let apps: WsApp[] = [];
  let children: ChildNode[] = [];
  let sockets: TestSocket[] = [];

  const adapterOptions = (): { url: string; keyPrefix: string; nodeTimeoutMs: number; heartbeatMs: number } => ({
    url: redis.url,
    keyPrefix: prefix,
    nodeTimeoutMs,
    heartbeatMs,
  });

  async function node(diffIntervalMs = 50, recovery?: { windowMs: number }): Promise<WsApp> {
    const adapter = new RedisAdapter({ ...adapterOptions(), logger: false });
    const app = await bootstrap(PresenceModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery, presence: { diffIntervalMs } });
    apps.push(app);
    return app;
  }

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  beforeEach(() => {
    prefix = `presence-${++run}`;
    apps = [];
    children = [];
    sockets = [];
  });

  afterEach(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(apps.map((a) => a.close()));
  });

  test('a track on one node reaches members on the other; list() is cluster-wide and the same on both', async () => {
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
    const b = await openPresence(two.port, sockets);
    await b.request('track', { room: 'r', meta: { name: 'bob' } });
    const state = await b.waitFor((m) => m.event === 'presence-state');
    expect(idsOf((state.payload as { members: [] }).members)).toEqual([a.id, b.id].sort());
    const list = await one.get(PresenceService).list('r');
    expect(idsOf(list)).toEqual([a.id, b.id].sort());
    expect(await two.get(PresenceService).list('r')).toEqual(list);
    expect(list.find((e) => e.clientId === a.id)).toEqual({ clientId: a.id, meta: { name: 'ann' }, since: expect.any(Number) });
  });

  test('changes from both nodes in one interval reach each member once, merged', async () => {
    const one = await node(800);
    const two = await node(800);
    const members = [await openPresence(one.port, sockets), await openPresence(two.port, sockets)];
    for (const m of members) await m.request('join', 'r');
    const a = await openPresence(one.port, sockets);
    const b = await openPresence(two.port, sockets);
    await Promise.all([a.request('track', { room: 'r', meta: {} }), b.request('track', { room: 'r', meta: {} })]);
    for (const member of members) {
      const diff = await nextDiff(member, 'r');
      expect(idsOf(diff.joins)).toEqual([a.id, b.id].sort());
      expect(diffsOf(member, 'r')).toHaveLength(1);
    }
  });

  test('an update on one node is a leave and a join for members on the other; untrack is a leave', async () => {
    const one = await node();
    const two = await node();
    const member = await openPresence(two.port, sockets);
    await member.request('join', 'r');
    const a = await openPresence(one.port, sockets);
    await a.request('track', { room: 'r', meta: { s: 'online' } });
    const since = (await nextDiff(member, 'r')).joins[0]!.since;
    expect((await a.request('update', { room: 'r', meta: { s: 'away' } })).payload).toBe(true);
    expect(await nextDiff(member, 'r')).toEqual({
      room: 'r',
      leaves: [{ clientId: a.id, meta: { s: 'online' }, since }],
      joins: [{ clientId: a.id, meta: { s: 'away' }, since }],
    });
    expect(await two.get(PresenceService).untrack(a.id, 'r')).toBe(true);
    expect(idsOf((await nextDiff(member, 'r')).leaves)).toEqual([a.id]);
    expect(await keysOf(redis.url, `${prefix}:presence`)).toEqual([]);
  });

  test('a disconnect removes the entries and the leave reaches the other node; no presence key is left', async () => {
    const one = await node();
    const two = await node();
    const member = await openPresence(two.port, sockets);
    await member.request('join', 'r');
    const a = await openPresence(one.port, sockets);
    await a.request('track', { room: 'r', meta: { x: 1 } });
    await a.request('track', { room: 'q', meta: { x: 2 } });
    await nextDiff(member, 'r');
    expect((await keysOf(redis.url, `${prefix}:presence`)).length).toBeGreaterThan(0);
    await a.close();
    expect(await nextDiff(member, 'r')).toEqual({ room: 'r', joins: [], leaves: [{ clientId: a.id, meta: { x: 1 }, since: expect.any(Number) }] });
    expect(await two.get(PresenceService).list('r')).toEqual([]);
    expect(await two.get(PresenceService).list('q')).toEqual([]);
    expect(await keysOf(redis.url, `${prefix}:presence`)).toEqual([]);
  });

  test('the room limit holds cluster-wide', async () => {
    const adapter = new RedisAdapter({ ...adapterOptions(), logger: false });
    const one = await bootstrap(PresenceModule, { port: 0, host: '127.0.0.1', logger: false, adapter, presence: { maxEntriesPerRoom: 1 } });
    apps.push(one);
    const two = await node();
    const a = await openPresence(one.port, sockets);
    const b = await openPresence(two.port, sockets);
    await a.request('track', { room: 'r', meta: {} });
    // `two` has the default limit, but `one`'s entry is there: its own limit counts the cluster's entries.
    const c = await openPresence(one.port, sockets);
    expect((await c.request('track', { room: 'r', meta: {} })).payload).toMatchObject({ code: 'PRESENCE_LIMIT' });
    expect((await b.request('track', { room: 'r', meta: {} })).payload).toBe(true);
  });

  test('a SIGKILLed node’s entries are removed by the survivors, whose members hear the leaves once', async () => {
    const survivor = await node();
    const other = await node();
    const child = await startChildNode({ ...adapterOptions(), diffIntervalMs: 50 }, 'presence-child-node.ts');
    children.push(child);
    const members = [await openPresence(survivor.port, sockets), await openPresence(other.port, sockets)];
    for (const m of members) await m.request('join', 'r');
    const doomed = await openPresence(child.port, sockets);
    const stays = await openPresence(survivor.port, sockets);
    await doomed.request('track', { room: 'r', meta: { who: 'doomed' } });
    await doomed.request('track', { room: 'q', meta: {} });
    await stays.request('track', { room: 'r', meta: { who: 'stays' } });
    await eventually(async () => (await survivor.get(PresenceService).list('r')).length === 2, 3000, 'both tracked');

    child.signal('SIGKILL');
    const killedAt = Date.now();
    for (const member of members) {
      for (;;) {
        const diff = await nextDiff(member, 'r', nodeTimeoutMs + 3 * heartbeatMs + 2000);
        if (diff.leaves.length === 0) continue;
        expect(diff.leaves).toEqual([{ clientId: doomed.id, meta: { who: 'doomed' }, since: expect.any(Number) }]);
        break;
      }
    }
    expect(Date.now() - killedAt).toBeLessThan(nodeTimeoutMs + 3 * heartbeatMs + 2000);
    expect(idsOf(await other.get(PresenceService).list('r'))).toEqual([stays.id]);
    expect(await other.get(PresenceService).list('q')).toEqual([]);
    // Announced once: no member heard a second leave of the doomed client.
    for (const member of members) {
      const leaves = diffsOf(member, 'r').flatMap((d) => d.leaves).filter((e) => e.clientId === doomed.id);
      expect(leaves).toHaveLength(1);
    }
    const keys = await keysOf(redis.url, `${prefix}:presence`);
    expect(keys.some((k) => k.includes(child.nodeId))).toBe(false);
    expect(keys.some((k) => k.includes(doomed.id))).toBe(false);
  }, 30_000);

  test('with recovery, a SIGKILLed node’s tracked clients stay present through their window, then a survivor announces the leave', async () => {
    const windowMs = 4000;
    const survivor = await node(50, { windowMs });
    const child = await startChildNode({ ...adapterOptions(), diffIntervalMs: 50, recovery: { windowMs } }, 'presence-child-node.ts');
    children.push(child);
    const member = await openPresence(survivor.port, sockets);
    await member.request('join', 'r');
    const doomed = await openPresence(child.port, sockets);
    await doomed.request('track', { room: 'r', meta: { who: 'doomed' } });
    await nextDiff(member, 'r');

    child.signal('SIGKILL');
    const killedAt = Date.now();
    const diff = await nextDiff(member, 'r', nodeTimeoutMs + windowMs + 8000);
    expect(diff.leaves).toEqual([{ clientId: doomed.id, meta: { who: 'doomed' }, since: expect.any(Number) }]);
    // Not at the purge: at the end of the session's window (the client could have resumed until then).
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(windowMs - 500);
    expect(await survivor.get(PresenceService).list('r')).toEqual([]);
    expect(diffsOf(member, 'r').flatMap((d) => d.leaves)).toHaveLength(1);
    expect(await keysOf(redis.url, `${prefix}:presence`)).toEqual([]);
  }, 40_000);
});
