import net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { bootstrap, type WsApp } from 'ws-controllers';
import { connect, type Client, type PresenceChange, type PresenceMember, type PresenceView } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { LobbyModule, type LobbyMeta } from './fixtures/presence-chat';

// The client's presence view against the real PresenceService (in memory).

let app: WsApp;
const clients: Client[] = [];
let blackhole: net.Server;
const cutOff = new Set<string>();
const sockets = new Map<string, WebSocket>();

beforeEach(async () => {
  cutOff.clear();
  blackhole = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await app.close();
  await new Promise((resolve) => blackhole.close(resolve));
});

/** A client whose network can be cut: while its user is in `cutOff`, its attempts reach a port that drops them. */
function member(user: string): Client {
  const dead = (blackhole.address() as AddressInfo).port;
  class CuttableSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(cutOff.has(user) ? url.replace(/:\d+\//, `:${dead}/`) : url, protocols);
      if (!cutOff.has(user)) sockets.set(user, this);
    }
  }
  const c = connect(`ws://127.0.0.1:${app.port}/lobby`, {
    query: { user },
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    WebSocket: CuttableSocket as typeof WebSocket,
  });
  clients.push(c);
  return c;
}

const names = (members: Array<PresenceMember<LobbyMeta>>): string[] => members.map((m) => `${m.meta.name}:${m.meta.status}`).sort();

/** Resolves once the view's members, as `name:status`, equal `wanted`. */
function listed(view: PresenceView<LobbyMeta>, wanted: string[]): Promise<void> {
  return new Promise((resolve) => {
    if (JSON.stringify(names(view.members)) === JSON.stringify([...wanted].sort())) return resolve();
    const stop = view.onChange(({ members }) => {
      if (JSON.stringify(names(members)) === JSON.stringify([...wanted].sort())) {
        stop();
        resolve();
      }
    });
  });
}

test('presence(room) follows the server: its own state at the track, others joining, an update, a leave', async () => {
  app = await bootstrap(LobbyModule, { ...testOptions, presence: { diffIntervalMs: 10 } });
  const ann = member('ann');
  const lobby = ann.presence<LobbyMeta>('lobby');
  await listed(lobby, ['ann:online']);
  const bob = member('bob');
  await listed(lobby, ['ann:online', 'bob:online']);
  await listed(bob.presence<LobbyMeta>('lobby'), ['ann:online', 'bob:online']);
  const bobId = lobby.members.find((m) => m.meta.name === 'bob')!.clientId;
  expect(lobby.get(bobId)?.since).toEqual(expect.any(Number));

  await expect(bob.request('status', 'away')).resolves.toBe(true);
  await listed(lobby, ['ann:online', 'bob:away']);
  await bob.close();
  await listed(lobby, ['ann:online']);
  expect(lobby.get(bobId)).toBeUndefined();
});

test('with recovery a resumed client keeps its view (refreshed by the server’s sync), and the others see no leave or join of it', async () => {
  app = await bootstrap(LobbyModule, { ...testOptions, recovery: { windowMs: 30_000 }, presence: { diffIntervalMs: 10 } });
  const ann = member('ann');
  const bob = member('bob');
  const annView = ann.presence<LobbyMeta>('lobby');
  const bobView = bob.presence<LobbyMeta>('lobby');
  await listed(annView, ['ann:online', 'bob:online']);
  await listed(bobView, ['ann:online', 'bob:online']);
  const bobSaw: Array<PresenceChange<LobbyMeta>> = [];
  bobView.onChange((change) => void bobSaw.push(change));

  const annId = ann.session!.id;
  cutOff.add('ann');
  sockets.get('ann')!.terminate();
  await new Promise<void>((resolve) => ann.onStatus((s) => s === 'reconnecting' && resolve()));
  const cy = member('cy');
  await listed(bobView, ['ann:online', 'bob:online', 'cy:online']);
  expect(names(annView.members)).toEqual(['ann:online', 'bob:online']); // the diff of cy's join went by while ann was away
  cutOff.delete('ann');
  await listed(annView, ['ann:online', 'bob:online', 'cy:online']);
  expect(ann.session).toEqual({ id: annId, resumed: true });
  await cy.request('status', 'away');
  await listed(annView, ['ann:online', 'bob:online', 'cy:away']);
  await listed(bobView, ['ann:online', 'bob:online', 'cy:away']);
  // Bob heard cy's join and update, never a leave or join of ann.
  const aboutAnn = bobSaw.flatMap((c) => [...c.joins, ...c.leaves]).filter((m) => m.clientId === annId);
  expect(aboutAnn).toEqual([]);
});
