import { bootstrap, PresenceService, type WsApp } from 'ws-controllers';
import { PresenceModule } from '../fixtures/presence-app';
import { drop, offsetsOf, open, resumeUrl } from '../recovery/support';
import { testOptions } from '../support/quiet';
import type { TestSocket } from '../support/ws-test-client';
import { diffsOf, idsOf, nextDiff, openPresence } from './support';

let app: WsApp;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  sockets = [];
  app = await bootstrap(PresenceModule, { ...testOptions, recovery: { windowMs: 1500 }, presence: { diffIntervalMs: 50 } });
});

afterEach(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await app.close();
});

const presence = (): PresenceService => app.get(PresenceService);

async function tracked(): Promise<{ socket: TestSocket; id: string; token: string; member: TestSocket }> {
  const member = await openPresence(app.port, sockets);
  await member.request('join', 'r');
  const { socket, session } = await open(`ws://127.0.0.1:${app.port}/presence`);
  sockets.push(socket);
  await socket.request('track', { room: 'r', meta: { v: 1 } });
  await nextDiff(member, 'r');
  return { socket, id: session.id, token: session.token, member };
}

test('with recovery, a client that drops and resumes keeps its presence: no leave, no join', async () => {
  const { socket, id, token, member } = await tracked();
  await drop(socket);
  expect(idsOf(await presence().list('r'))).toEqual([id]); // detached, still present
  const resumed = await open(resumeUrl(app.port, '/presence', token, offsetsOf(socket.received)));
  sockets.push(resumed.socket);
  expect(resumed.session).toMatchObject({ id, resumed: true });
  // The resumed client is told the room's state again (diffs are not replayed).
  const state = await resumed.socket.next('presence-state');
  expect(state.payload).toMatchObject({ room: 'r', members: [{ clientId: id, meta: { v: 1 } }] });
  expect(idsOf(await presence().list('r'))).toEqual([id]);
  // A change after the resume is the next thing members hear: nothing came between.
  const before = diffsOf(member, 'r').length;
  await resumed.socket.request('update', { room: 'r', meta: { v: 2 } });
  const diff = await nextDiff(member, 'r');
  expect(diffsOf(member, 'r')).toHaveLength(before + 1);
  expect(diff.leaves.map((e) => e.meta)).toEqual([{ v: 1 }]);
  expect(diff.joins.map((e) => e.meta)).toEqual([{ v: 2 }]);
});

test('with recovery, a dropped client that never resumes leaves when its window ends', async () => {
  const { socket, id, member } = await tracked();
  const droppedAt = Date.now();
  await drop(socket);
  const diff = await nextDiff(member, 'r', 8000);
  expect(idsOf(diff.leaves)).toEqual([id]);
  expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(1400);
  expect(await presence().list('r')).toEqual([]);
});

test('with recovery, a client that closes with 1000 leaves at once', async () => {
  const { socket, id, member } = await tracked();
  const closedAt = Date.now();
  await socket.close(1000);
  const diff = await nextDiff(member, 'r');
  expect(idsOf(diff.leaves)).toEqual([id]);
  expect(Date.now() - closedAt).toBeLessThan(1400);
});
