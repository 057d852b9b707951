import { bootstrap, InMemoryAdapter, InMemoryBus, PresenceService, type WsApp } from 'ws-controllers';
import { PresenceModule } from '../fixtures/presence-app';
import { testOptions } from '../support/quiet';
import type { TestSocket } from '../support/ws-test-client';
import { diffsOf, eventually, idsOf, nextDiff, openPresence } from './support';

let apps: WsApp[] = [];
let sockets: TestSocket[] = [];

async function cluster(count: number, diffIntervalMs = 50): Promise<WsApp[]> {
  const bus = new InMemoryBus();
  for (let i = 0; i < count; i++)
    apps.push(await bootstrap(PresenceModule, { ...testOptions, adapter: new InMemoryAdapter(bus), presence: { diffIntervalMs } }));
  return apps;
}

beforeEach(() => {
  apps = [];
  sockets = [];
});

afterEach(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await Promise.all(apps.map((a) => a.close()));
});

test('two apps on one InMemoryBus: a track on one reaches members on the other, and list() is the same on both', async () => {
  const [one, two] = await cluster(2);
  const memberTwo = await openPresence(two!.port, sockets);
  await memberTwo.request('join', 'r');
  const a = await openPresence(one!.port, sockets);
  await a.request('track', { room: 'r', meta: { name: 'ann' } });
  const diff = await nextDiff(memberTwo, 'r');
  expect(diff.joins).toEqual([{ clientId: a.id, meta: { name: 'ann' }, since: expect.any(Number) }]);
  const b = await openPresence(two!.port, sockets);
  await b.request('track', { room: 'r', meta: { name: 'bob' } });
  const state = await b.waitFor((m) => m.event === 'presence-state');
  expect(idsOf((state.payload as { members: [] }).members)).toEqual([a.id, b.id].sort());
  const listOne = await one!.get(PresenceService).list('r');
  expect(listOne).toEqual(await two!.get(PresenceService).list('r'));
  expect(idsOf(listOne)).toEqual([a.id, b.id].sort());
});

test('changes made on both apps in one interval reach each member as one diff', async () => {
  const [one, two] = await cluster(2, 800);
  const memberOne = await openPresence(one!.port, sockets);
  const memberTwo = await openPresence(two!.port, sockets);
  await memberOne.request('join', 'r');
  await memberTwo.request('join', 'r');
  const a = await openPresence(one!.port, sockets);
  const b = await openPresence(two!.port, sockets);
  await Promise.all([a.request('track', { room: 'r', meta: {} }), b.request('track', { room: 'r', meta: {} })]);
  for (const member of [memberOne, memberTwo]) {
    const diff = await nextDiff(member, 'r');
    expect(idsOf(diff.joins)).toEqual([a.id, b.id].sort());
    expect(diffsOf(member, 'r')).toHaveLength(1);
  }
});

test('a client disconnecting from one app is announced as a leave on the other', async () => {
  const [one, two] = await cluster(2);
  const member = await openPresence(two!.port, sockets);
  await member.request('join', 'r');
  const a = await openPresence(one!.port, sockets);
  await a.request('track', { room: 'r', meta: { x: 1 } });
  await nextDiff(member, 'r');
  await a.close();
  const diff = await nextDiff(member, 'r');
  expect(diff).toEqual({ room: 'r', joins: [], leaves: [{ clientId: a.id, meta: { x: 1 }, since: expect.any(Number) }] });
  expect(await two!.get(PresenceService).list('r')).toEqual([]);
});

test('an app that closes takes its entries with it: the others hear the leaves', async () => {
  const [one, two] = await cluster(2);
  const member = await openPresence(two!.port, sockets);
  await member.request('join', 'r');
  const a = await openPresence(one!.port, sockets);
  await a.request('track', { room: 'r', meta: {} });
  await nextDiff(member, 'r');
  await one!.close();
  const diff = await nextDiff(member, 'r');
  expect(idsOf(diff.leaves)).toEqual([a.id]);
  await eventually(async () => (await two!.get(PresenceService).list('r')).length === 0, 3000, 'entries gone');
});

test('update and untrack by id work from the other app', async () => {
  const [one, two] = await cluster(2);
  const member = await openPresence(one!.port, sockets);
  await member.request('join', 'r');
  const a = await openPresence(one!.port, sockets);
  await a.request('track', { room: 'r', meta: { v: 1 } });
  await nextDiff(member, 'r');
  expect(await two!.get(PresenceService).update(a.id, 'r', { v: 2 })).toBe(true);
  const updated = await nextDiff(member, 'r');
  expect(updated.joins.map((e) => e.meta)).toEqual([{ v: 2 }]);
  expect(await two!.get(PresenceService).untrack(a.id, 'r')).toBe(true);
  expect(idsOf((await nextDiff(member, 'r')).leaves)).toEqual([a.id]);
});
