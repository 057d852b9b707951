import { bootstrap, PresenceService, type WsApp } from 'ws-controllers';
import { PresenceModule } from '../fixtures/presence-app';
import { testOptions } from '../support/quiet';
import type { TestSocket } from '../support/ws-test-client';
import { diffsOf, eventually, idsOf, nextDiff, openPresence } from './support';

let app: WsApp;
let sockets: TestSocket[] = [];

async function start(presence: { diffIntervalMs?: number; maxMetaBytes?: number; maxEntriesPerRoom?: number } = {}): Promise<void> {
  app = await bootstrap(PresenceModule, { ...testOptions, presence: { diffIntervalMs: 50, ...presence } });
}

beforeEach(() => {
  sockets = [];
});

afterEach(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await app.close();
});

const open = (query = ''): ReturnType<typeof openPresence> => openPresence(app.port, sockets, query);
const presence = (): PresenceService => app.get(PresenceService);

test('a tracked client gets presence-state with the full list right after the track, and list() returns the same', async () => {
  await start();
  const a = await open();
  const b = await open();
  const before = Date.now();
  await a.request('track', { room: 'r', meta: { name: 'ann' } });
  const stateA = await a.waitFor((m) => m.event === 'presence-state');
  expect(stateA.payload).toEqual({ room: 'r', members: [{ clientId: a.id, meta: { name: 'ann' }, since: expect.any(Number) }] });
  const since = (stateA.payload as { members: Array<{ since: number }> }).members[0]!.since;
  expect(since).toBeGreaterThanOrEqual(before);
  expect(since).toBeLessThanOrEqual(Date.now());

  await b.request('track', { room: 'r', meta: { name: 'bob' } });
  const stateB = await b.waitFor((m) => m.event === 'presence-state');
  expect((stateB.payload as { members: unknown[] }).members).toEqual([
    { clientId: a.id, meta: { name: 'ann' }, since },
    { clientId: b.id, meta: { name: 'bob' }, since: expect.any(Number) },
  ]);
  expect(await presence().list('r')).toEqual((stateB.payload as { members: unknown[] }).members);
  expect(await presence().list('elsewhere')).toEqual([]);
});

test('members of the room get presence-diff with the join; clients outside the room get nothing', async () => {
  await start();
  const member = await open();
  const outsider = await open();
  await member.request('join', 'r');
  await outsider.request('join', 'other');
  const a = await open();
  await a.request('track', { room: 'r', meta: { n: 1 } });
  const diff = await nextDiff(member, 'r');
  expect(diff).toEqual({ room: 'r', joins: [{ clientId: a.id, meta: { n: 1 }, since: expect.any(Number) }], leaves: [] });
  // The tracked client joined the room, so it hears the diff too.
  expect((await nextDiff(a, 'r')).joins.map((e) => e.clientId)).toEqual([a.id]);
  await a.request('untrack', 'r');
  await nextDiff(member, 'r');
  expect(diffsOf(outsider)).toEqual([]);
  expect(outsider.received.filter((m) => m.event === 'presence-state')).toEqual([]);
});

test('changes within one interval reach each member as one diff, merged', async () => {
  await start({ diffIntervalMs: 1000 });
  const member = await open();
  await member.request('join', 'r');
  const [a, b, c] = await Promise.all([open(), open(), open()]);
  await Promise.all([a, b, c].map((s, i) => s.request('track', { room: 'r', meta: { i } })));
  const diff = await nextDiff(member, 'r');
  expect(idsOf(diff.joins)).toEqual([a!.id, b!.id, c!.id].sort());
  expect(diff.leaves).toEqual([]);
  expect(diffsOf(member, 'r')).toHaveLength(1);
});

test('a burst of changes gives at most one diff per interval, and the last one carries the final meta', async () => {
  const interval = 200;
  await start({ diffIntervalMs: interval });
  const member = await open();
  await member.request('join', 'r');
  const a = await open();
  const arrivals: number[] = [];
  member.ws.on('message', (data: Buffer) => {
    if (data.toString().includes('"presence-diff"')) arrivals.push(Date.now());
  });
  await a.request('track', { room: 'r', meta: { step: 0 } });
  const until = Date.now() + 3 * interval;
  let step = 0;
  while (Date.now() < until) await a.request('update', { room: 'r', meta: { step: ++step } });
  await eventually(() => diffsOf(member, 'r').some((d) => d.joins.some((e) => (e.meta as { step: number }).step === step)), 5000, 'the final meta');
  const diffs = diffsOf(member, 'r');
  expect(step).toBeGreaterThan(diffs.length); // many updates, fewer diffs
  for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(interval - 40);
  // Every later diff is an update: a leave of what members saw and a join of the new meta, same client.
  for (const diff of diffs.slice(1)) {
    expect(idsOf(diff.leaves)).toEqual([a.id]);
    expect(idsOf(diff.joins)).toEqual([a.id]);
    expect(diff.leaves[0]!.since).toBe(diff.joins[0]!.since);
  }
});

test('an update is a leave of the old entry and a join of the new one, with the same since', async () => {
  await start();
  const member = await open();
  await member.request('join', 'r');
  const a = await open();
  await a.request('track', { room: 'r', meta: { status: 'online' } });
  const joined = await nextDiff(member, 'r');
  expect((await a.request('update', { room: 'r', meta: { status: 'away' } })).payload).toBe(true);
  const updated = await nextDiff(member, 'r');
  expect(updated).toEqual({
    room: 'r',
    leaves: [{ clientId: a.id, meta: { status: 'online' }, since: joined.joins[0]!.since }],
    joins: [{ clientId: a.id, meta: { status: 'away' }, since: joined.joins[0]!.since }],
  });
  expect(await presence().list('r')).toEqual(updated.joins);
  // Updating a client that is not tracked there changes nothing.
  expect((await a.request('update', { room: 'nowhere', meta: {} })).payload).toBe(false);
  expect(await presence().list('nowhere')).toEqual([]);
});

test('a join and a leave within one interval cancel out: members never hear of it', async () => {
  await start({ diffIntervalMs: 500 });
  const member = await open();
  await member.request('join', 'r');
  const a = await open();
  const b = await open();
  await a.request('track', { room: 'r', meta: {} });
  await a.request('untrack', 'r');
  await b.request('track', { room: 'r', meta: {} });
  const diff = await nextDiff(member, 'r');
  expect(diff.joins.map((e) => e.clientId)).toEqual([b.id]);
  expect(diff.leaves).toEqual([]);
});

test('a client that disconnects leaves every room it was tracked in, announced to the members', async () => {
  await start();
  const member = await open();
  await member.request('join', 'r1');
  await member.request('join', 'r2');
  const a = await open();
  await a.request('track', { room: 'r1', meta: { x: 1 } });
  await a.request('track', { room: 'r2', meta: { x: 2 } });
  await nextDiff(member, 'r1');
  await nextDiff(member, 'r2');
  await a.close();
  const leaves = await Promise.all([nextDiff(member, 'r1'), nextDiff(member, 'r2')]);
  expect(leaves.map((d) => d.leaves.map((e) => [e.clientId, e.meta]))).toEqual([[[a.id, { x: 1 }]], [[a.id, { x: 2 }]]]);
  expect(await presence().list('r1')).toEqual([]);
  expect(await presence().list('r2')).toEqual([]);
});

test('untrack removes one room only and resolves false when there was nothing to remove', async () => {
  await start();
  const a = await open();
  await a.request('track', { room: 'r1', meta: {} });
  await a.request('track', { room: 'r2', meta: {} });
  expect((await a.request('untrack', 'r1')).payload).toBe(true);
  expect((await a.request('untrack', 'r1')).payload).toBe(false);
  expect(idsOf(await presence().list('r2'))).toEqual([a.id]);
  expect(await presence().list('r1')).toEqual([]);
});

test('tracking again replaces the meta and keeps since; track joins the room for the client', async () => {
  await start();
  const a = await open();
  await a.request('track', { room: 'r', meta: { v: 1 } });
  const [first] = await presence().list('r');
  await a.request('track', { room: 'r', meta: { v: 2 } });
  expect(await presence().list('r')).toEqual([{ clientId: a.id, meta: { v: 2 }, since: first!.since }]);
  expect(app.get(PresenceService)).toBe(presence());
  const { RoomService } = await import('ws-controllers');
  expect(await app.get(RoomService).roomsOf(a.id)).toEqual(['r']);
});

test('server code can track by client id, and in @OnConnect; an id not connected here is NOT_FOUND', async () => {
  await start();
  const a = await open('?lobby=hall');
  expect((await a.waitFor((m) => m.event === 'presence-state')).payload).toEqual({ room: 'hall', members: [{ clientId: a.id, meta: { via: 'connect' }, since: expect.any(Number) }] });
  const b = await open();
  await presence().track(b.id, 'hall', 'plain string meta');
  expect(await presence().list('hall')).toEqual([
    expect.objectContaining({ clientId: a.id }),
    { clientId: b.id, meta: 'plain string meta', since: expect.any(Number) },
  ]);
  await expect(presence().track('no-such-client', 'hall', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  // update and untrack work by id from anywhere.
  expect(await presence().update(b.id, 'hall', { v: 2 })).toBe(true);
  expect(await presence().untrack(b.id, 'hall')).toBe(true);
  expect(idsOf(await presence().list('hall'))).toEqual([a.id]);
});

test('meta over maxMetaBytes is refused with PRESENCE_LIMIT and nothing is tracked', async () => {
  await start({ maxMetaBytes: 64 });
  const a = await open();
  const reply = await a.request('track', { room: 'r', meta: { text: 'x'.repeat(100) } });
  expect(reply.event).toBe('error');
  expect(reply.payload).toMatchObject({ code: 'PRESENCE_LIMIT', details: { limit: 'maxMetaBytes', max: 64 } });
  // Multi-byte characters count as their UTF-8 bytes.
  const wide = await a.request('track', { room: 'r', meta: 'é'.repeat(40) });
  expect(wide.payload).toMatchObject({ code: 'PRESENCE_LIMIT' });
  expect(await presence().list('r')).toEqual([]);
  await a.request('track', { room: 'r', meta: { ok: true } });
  const updated = await a.request('update', { room: 'r', meta: 'y'.repeat(100) });
  expect(updated.payload).toMatchObject({ code: 'PRESENCE_LIMIT' });
  expect((await presence().list('r'))[0]!.meta).toEqual({ ok: true });
});

test('the default meta limit is 1 KiB of JSON', async () => {
  await start();
  const a = await open();
  expect((await a.request('track', { room: 'r', meta: 'x'.repeat(1022) })).payload).toBe(true); // 1024 bytes with quotes
  expect((await a.request('track', { room: 'r', meta: 'x'.repeat(1023) })).payload).toMatchObject({ code: 'PRESENCE_LIMIT' });
});

test('meta that JSON cannot carry is a TypeError for the calling code', async () => {
  await start();
  const a = await open();
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await expect(presence().track(a.id, 'r', cyclic)).rejects.toThrow(TypeError);
  await expect(presence().track(a.id, 'r', 10n)).rejects.toThrow(TypeError);
  await expect(presence().track(a.id, 'r', () => 1)).rejects.toThrow(TypeError);
  await expect(presence().track(a.id, '', {})).rejects.toThrow(TypeError);
  expect(await presence().list('r')).toEqual([]);
});

test('a room holds at most maxEntriesPerRoom entries; the next track gets PRESENCE_LIMIT, an update still works', async () => {
  await start({ maxEntriesPerRoom: 2 });
  const [a, b, c] = await Promise.all([open(), open(), open()]);
  await a!.request('track', { room: 'r', meta: {} });
  await b!.request('track', { room: 'r', meta: {} });
  const refused = await c!.request('track', { room: 'r', meta: {} });
  expect(refused.payload).toMatchObject({ code: 'PRESENCE_LIMIT', details: { limit: 'maxEntriesPerRoom', max: 2 } });
  expect((await b!.request('track', { room: 'r', meta: { again: true } })).payload).toBe(true);
  expect(idsOf(await presence().list('r'))).toEqual([a!.id, b!.id].sort());
  await a!.close();
  await eventually(async () => (await presence().list('r')).length === 1, 3000, 'a removed');
  expect((await c!.request('track', { room: 'r', meta: {} })).payload).toBe(true);
});

test('a client is tracked in at most maxRoomsPerClient rooms, even after leaving the rooms', async () => {
  app = await bootstrap(PresenceModule, { ...testOptions, maxRoomsPerClient: 2 });
  const a = await open();
  await a.request('track', { room: 'r1', meta: {} });
  await a.request('track', { room: 'r2', meta: {} });
  await a.request('leave', 'r1');
  await a.request('leave', 'r2');
  const refused = await a.request('track', { room: 'r3', meta: {} });
  expect(refused.payload).toMatchObject({ code: 'ROOM_LIMIT' });
  expect(await presence().list('r3')).toEqual([]);
});

test('bad presence options fail at bootstrap', async () => {
  await expect(bootstrap(PresenceModule, { ...testOptions, presence: { diffIntervalMs: -1 } })).rejects.toThrow(TypeError);
  await expect(bootstrap(PresenceModule, { ...testOptions, presence: { maxMetaBytes: 0 } })).rejects.toThrow(TypeError);
  await expect(bootstrap(PresenceModule, { ...testOptions, presence: { maxEntriesPerRoom: Number.NaN } })).rejects.toThrow(TypeError);
  await start();
});

test('sync sends the room’s presence-state to a watcher without tracking it', async () => {
  await start();
  const a = await open();
  const watcher = await open();
  await a.request('track', { room: 'r', meta: { n: 1 } });
  await presence().sync(watcher.id, 'r');
  const state = await watcher.waitFor((m) => m.event === 'presence-state');
  expect(state.payload).toEqual({ room: 'r', members: [{ clientId: a.id, meta: { n: 1 }, since: expect.any(Number) }] });
  expect(idsOf(await presence().list('r'))).toEqual([a.id]);
});

test('a client flooding an app that tracks it on request is held at maxRoomsPerClient entries, each at most maxMetaBytes', async () => {
  await start();
  const a = await open();
  const replies = await Promise.all(
    Array.from({ length: 300 }, (_, i) => a.request('track', { room: `room-${i}`, meta: { pad: 'x'.repeat(i % 2 === 0 ? 100 : 2000) } }, 10_000)),
  );
  const ok = replies.filter((r) => r.payload === true).length;
  const codes = new Set(replies.filter((r) => r.event === 'error').map((r) => (r.payload as { code: string }).code));
  expect(ok).toBeLessThanOrEqual(100);
  expect([...codes].sort()).toEqual(['PRESENCE_LIMIT', 'ROOM_LIMIT']);
  let entries = 0;
  for (let i = 0; i < 300; i++) entries += (await presence().list(`room-${i}`)).length;
  expect(entries).toBe(ok);
  await a.close();
  await eventually(async () => {
    for (let i = 0; i < 300; i += 2) if ((await presence().list(`room-${i}`)).length > 0) return false;
    return true;
  }, 5000, 'entries gone after the close');
});
