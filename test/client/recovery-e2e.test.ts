import net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { InMemoryAdapter, InMemoryBus, bootstrap, type WsApp } from 'ws-controllers';
import { connect, type Client, type SessionInfo } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { ChatLog, RecoveryChatModule } from './fixtures/recovery-chat';

// The client's end of session recovery against the real server (in-memory store).

let app: WsApp;
const clients: Client[] = [];
/** Other nodes a test starts (closing twice is fine). */
const nodes: WsApp[] = [];

/**
 * While shut, the client's connection attempts go to a port that drops every TCP connection (as a
 * network that is down does), so pushes can be sent while it is away; open again, they reach the app.
 */
class Network {
  shut = false;
  /** Where attempts go while open: the port of the URL, or another node's (a load balancer's choice). */
  port: number | undefined;
  readonly urls: string[] = [];
  readonly sockets: WebSocket[] = [];
  /** Text frames of the current socket, counted before the SDK sees them. */
  rawFrames: string[] = [];
  private readonly blackhole = net.createServer((socket) => socket.destroy());

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.blackhole.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.blackhole.close(() => resolve()));
  }

  /** A `WebSocket` constructor for the client's `WebSocket` option. */
  socketClass(): typeof WebSocket {
    const network = this; // eslint-disable-line @typescript-eslint/no-this-alias
    const dead = (this.blackhole.address() as AddressInfo).port;
    return class NetworkSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        const port = network.shut ? dead : network.port;
        super(port === undefined ? url : url.replace(/:\d+\//, `:${port}/`), protocols);
        if (network.shut) return;
        network.urls.push(url);
        network.sockets.push(this);
        this.on('message', (data) => network.rawFrames.push(String(data)));
      }
    } as typeof WebSocket;
  }

  /** Cuts the current connection without a closing handshake (the server sees 1006) and keeps the network down. */
  cut(): void {
    this.shut = true;
    this.sockets.at(-1)!.terminate();
  }
}

let network: Network;

beforeEach(async () => {
  network = new Network();
  await network.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all([app, ...nodes.splice(0)].map((a) => a.close()));
  await network.stop();
});

function client(query: Record<string, string> = {}): Client {
  const c = connect(`ws://127.0.0.1:${app.port}/chat`, {
    query,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    WebSocket: network.socketClass(),
  });
  clients.push(c);
  return c;
}

function sender(): Client {
  const c = connect(`ws://127.0.0.1:${app.port}/chat`);
  clients.push(c);
  return c;
}

function nextSession(c: Client): Promise<SessionInfo> {
  return new Promise((resolve) => {
    const stop = c.onSession((s) => {
      stop();
      resolve(s);
    });
  });
}

function statusReached(c: Client, wanted: string): Promise<void> {
  return new Promise((resolve) => {
    if (c.status === wanted) return resolve();
    const stop = c.onStatus((s) => {
      if (s === wanted) {
        stop();
        resolve();
      }
    });
  });
}

/** Collects the payloads of `event`; `until(n)` resolves once `n` arrived. */
function collect<T>(c: Client, event: string): { seen: T[]; until(n: number): Promise<void> } {
  const seen: T[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  c.on(event, (payload) => {
    seen.push(payload as T);
    for (const w of waiters.filter((w) => seen.length >= w.n)) w.resolve();
  });
  return {
    seen,
    until: (n) => (seen.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

test('a client cut off resumes by itself: same id, same rooms, the room pushes, direct sends and broadcasts it missed in order, then live ones', async () => {
  app = await bootstrap(RecoveryChatModule, { ...testOptions, recovery: { windowMs: 30_000 } });
  const ann = client({ user: 'ann' });
  const sessions: SessionInfo[] = [];
  ann.onSession((s) => void sessions.push(s));
  const said = collect<{ text: string }>(ann, 'said');
  const dms = collect<string>(ann, 'dm');
  const news = collect<string>(ann, 'news');
  const first = await nextSession(ann);
  await ann.request('join-room', { room: 'general' });
  const bob = sender();
  await bob.request('say', { room: 'general', text: 'one' });
  await bob.request('dm', { to: first.id, text: 'psst-1' });
  await Promise.all([said.until(1), dms.until(1)]);

  network.cut();
  await statusReached(ann, 'reconnecting');
  await bob.request('say', { room: 'general', text: 'two' });
  await bob.request('say', { room: 'general', text: 'three' });
  await expect(bob.request('dm', { to: first.id, text: 'psst-2' })).resolves.toBe(true); // held for the session
  await bob.request('shout', 'news-1');

  const resumed = nextSession(ann);
  network.shut = false;
  await expect(resumed).resolves.toEqual({ id: first.id, resumed: true });
  await bob.request('say', { room: 'general', text: 'four' });
  await Promise.all([said.until(4), dms.until(2), news.until(1)]);

  expect(said.seen.map((p) => p.text)).toEqual(['one', 'two', 'three', 'four']);
  expect(dms.seen).toEqual(['psst-1', 'psst-2']);
  expect(news.seen).toEqual(['news-1']);
  expect(sessions).toEqual([
    { id: first.id, resumed: false },
    { id: first.id, resumed: true },
  ]);
  await expect(ann.request('whoami')).resolves.toEqual({ id: first.id, rooms: ['general'] });
  // The resume URL kept the app's query; the server took resume and offsets off it before the hooks.
  const url = new URL(network.urls.at(-1)!);
  expect(url.searchParams.get('user')).toBe('ann');
  expect(url.searchParams.get('resume')).toEqual(expect.any(String));
  expect(JSON.parse(url.searchParams.get('offsets')!)).toEqual({
    rooms: { general: expect.stringMatching(/^\d+-\d+$/) },
    direct: expect.stringMatching(/^d\d+-\d+$/),
  });
  const connects = app.get(ChatLog).connects.filter((c) => c.id === first.id);
  expect(connects.map((c) => [c.resumed, c.query])).toEqual([
    [false, { user: 'ann' }],
    [true, { user: 'ann' }],
  ]);
});

test('past the window the reconnect is a fresh session (resumed: false, new id); re-joining in onSession brings room pushes back', async () => {
  app = await bootstrap(RecoveryChatModule, { ...testOptions, recovery: { windowMs: 200 } });
  const ann = client();
  // The documented pattern: join rooms when (and only when) the session is not resumed.
  ann.onSession(({ resumed }) => {
    if (!resumed) void ann.request('join-room', { room: 'general' });
  });
  const said = collect<{ text: string }>(ann, 'said');
  const first = await nextSession(ann);
  await expect(ann.request('whoami')).resolves.toMatchObject({ rooms: ['general'] });

  network.cut();
  await app.get(ChatLog).disconnected(first.id); // the window expired: @OnDisconnect ran
  const bob = sender();
  await bob.request('say', { room: 'general', text: 'lost' });

  const fresh = nextSession(ann);
  network.shut = false;
  const second = await fresh;
  expect(second.resumed).toBe(false);
  expect(second.id).not.toBe(first.id);
  await expect(ann.request('whoami')).resolves.toEqual({ id: second.id, rooms: ['general'] });
  await bob.request('say', { room: 'general', text: 'back' });
  await said.until(1);
  expect(said.seen.map((p) => p.text)).toEqual(['back']);
});

test('in more rooms than the offsets bound holds, the rooms left out are replayed from the join and the copies already seen are dropped', async () => {
  const rooms = Array.from({ length: 150 }, (_, i) => `room-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`);
  app = await bootstrap(RecoveryChatModule, { ...testOptions, maxRoomsPerClient: 200, recovery: { windowMs: 30_000 } });
  const ann = client();
  const said = collect<{ room: string; text: string }>(ann, 'said');
  await nextSession(ann);
  await ann.request('join-many', rooms);
  const bob = sender();
  for (const room of rooms) await bob.request('say', { room, text: 'seen' });
  await said.until(rooms.length);

  network.cut();
  await statusReached(ann, 'reconnecting');
  for (const room of rooms) await bob.request('say', { room, text: 'missed' });
  network.rawFrames = [];
  const resumed = nextSession(ann);
  network.shut = false;
  await expect(resumed).resolves.toMatchObject({ resumed: true });
  await said.until(rooms.length * 2);
  await bob.request('say', { room: rooms[0]!, text: 'live' });
  await said.until(rooms.length * 2 + 1);

  // Exactly once per room and in order: seen, missed, (live).
  for (const room of rooms) {
    const texts = said.seen.filter((p) => p.room === room).map((p) => p.text);
    expect(texts).toEqual(room === rooms[0] ? ['seen', 'missed', 'live'] : ['seen', 'missed']);
  }
  // The bound left rooms out of the resume request, and the server did replay their old pushes again.
  const offsets = new URL(network.urls.at(-1)!).searchParams.get('offsets')!;
  expect(encodeURIComponent(offsets).length).toBeLessThanOrEqual(6144);
  const presented = Object.keys((JSON.parse(offsets) as { rooms: Record<string, string> }).rooms);
  expect(presented.length).toBeGreaterThan(0);
  expect(presented.length).toBeLessThan(rooms.length);
  const replayedSeen = network.rawFrames.filter((f) => f.includes('"said"') && f.includes('"seen"')).length;
  expect(replayedSeen).toBe(rooms.length - presented.length);
});

test('a node restarted by a deploy (closing with 1001): the client resumes on another node of the cluster with what it missed', async () => {
  const bus = new InMemoryBus();
  const options = { ...testOptions, recovery: { windowMs: 30_000 } };
  const nodeA = await bootstrap(RecoveryChatModule, { ...options, adapter: new InMemoryAdapter(bus) });
  nodes.push(nodeA);
  app = await bootstrap(RecoveryChatModule, { ...options, adapter: new InMemoryAdapter(bus) }); // node B (closed by afterEach)
  const ann = connect(`ws://127.0.0.1:${nodeA.port}/chat`, { reconnect: { initialDelayMs: 5, maxDelayMs: 20 }, WebSocket: network.socketClass() });
  clients.push(ann);
  const said = collect<{ text: string }>(ann, 'said');
  const first = await nextSession(ann);
  await ann.request('join-room', { room: 'general' });
  const bob = sender(); // on node B
  await bob.request('say', { room: 'general', text: 'before' });
  await said.until(1);

  network.shut = true;
  network.port = app.port;
  await nodeA.close(); // its connections close with 1001: detached, not ended
  await statusReached(ann, 'reconnecting');
  await bob.request('say', { room: 'general', text: 'during' });
  const resumed = nextSession(ann);
  network.shut = false;
  await expect(resumed).resolves.toEqual({ id: first.id, resumed: true });
  await bob.request('say', { room: 'general', text: 'after' });
  await said.until(3);
  expect(said.seen.map((p) => p.text)).toEqual(['before', 'during', 'after']);
  expect(app.get(ChatLog).connects.map((c) => [c.id, c.resumed])).toContainEqual([first.id, true]);
});
