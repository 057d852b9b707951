/** The session recovery suite, run against each store (memory: test/recovery; Redis: test/redis). */
import { bootstrap, ClientService, RoomService, type Adapter, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Received, type TestSocket } from '../support/ws-test-client';
import { HookLog, RecoveryModule } from './fixture';
import { drop, offsetsOf, open, resumeUrl } from './support';

/** Makes the adapter of one app; apps given the same `cluster` name share rooms and sessions. */
export type AdapterFactory = (cluster: string) => Adapter;

export function recoverySuite(label: string, adapterFor: AdapterFactory): void {
  let apps: WsApp[] = [];
  let sockets: TestSocket[] = [];
  let run = 0;
  let cluster = '';
  beforeEach(() => {
    cluster = `c${++run}-${Date.now()}`;
  });

  async function start(recovery: object = { windowMs: 5_000, maxPerRoom: 100 }): Promise<WsApp> {
    const app = await bootstrap(RecoveryModule, { ...testOptions, recovery, adapter: adapterFor(cluster) });
    apps.push(app);
    return app;
  }

  async function client(app: WsApp, query = '') {
    const opened = await open(urlOf(app.port, `/chat${query}`));
    sockets.push(opened.socket);
    return opened;
  }

  async function resume(app: WsApp, token: string, received: readonly Received[], extra = '') {
    const opened = await open(resumeUrl(app.port, '/chat', token, offsetsOf(received), extra));
    sockets.push(opened.socket);
    return opened;
  }

  /** The pushes (frames with an offset) a socket received after `from`. */
  const pushes = (socket: TestSocket, from = 0) =>
    (socket.received.slice(from) as Array<Received & { offset?: string; room?: string }>).filter(
      (m) => m.offset !== undefined,
    );

  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    sockets = [];
  });

  describe(`session recovery (${label})`, () => {
    test('the first frame is the session, and every covered push carries an offset', async () => {
      const app = await start();
      const a = await client(app, '?user=ann');
      const b = await client(app, '?user=bob');
      expect(a.session).toEqual({ id: expect.any(String), token: expect.any(String), resumed: false });
      await a.socket.request('join', 'general');
      await b.socket.request('join', 'general');
      const reply = await b.socket.request('say', { room: 'general', text: 'hi' });
      expect(reply).toEqual({ event: 'say', payload: 'ok', id: expect.any(Number) }); // replies carry no offset
      const said = await a.socket.next('said');
      expect(said).toEqual({
        event: 'said',
        payload: 'hi',
        room: 'general',
        offset: expect.stringMatching(/^\d+-\d+$/),
      });
      await b.socket.request('dm', { to: a.session.id, text: 'psst' });
      expect(await a.socket.next('dm')).toEqual({
        event: 'dm',
        payload: 'psst',
        offset: expect.stringMatching(/^d\d+-\d+$/),
      });
      await app.get(ClientService).broadcast('news', 1);
      expect(await a.socket.next('news')).toEqual({
        event: 'news',
        payload: 1,
        offset: expect.stringMatching(/^b\d+-\d+$/),
      });
    });

    test('a dropped client resumes: same id, rooms and data, every missed push once and in order, before live ones', async () => {
      const app = await start();
      const log = app.get(HookLog);
      const a = await client(app, '?user=ann');
      const b = await client(app, '?user=bob');
      await a.socket.request('join', 'general');
      await a.socket.request('join', 'random');
      await b.socket.request('join', 'general');
      await b.socket.request('join', 'random');
      await b.socket.request('say', { room: 'general', text: 'before' });
      await a.socket.next('said');
      await drop(a.socket);
      for (let i = 0; i < 5; i++)
        await b.socket.request('say', { room: i % 2 ? 'random' : 'general', text: `missed ${i}` });
      await b.socket
        .request('dm', { to: a.session.id, text: 'while away' })
        .then((r) => expect(r.payload).toBe(true));
      await app.get(ClientService).broadcast('news', 'away');
      const again = await resume(app, a.session.token, a.socket.received);
      expect(again.session).toEqual({ id: a.session.id, token: a.session.token, resumed: true });
      // live traffic after the resume comes after the replay
      await b.socket.request('say', { room: 'general', text: 'live' });
      await again.socket.waitFor((m) => m.payload === 'live');
      const got = pushes(again.socket).map((m) => m.payload);
      expect(got).toEqual([
        'missed 0',
        'missed 1',
        'missed 2',
        'missed 3',
        'missed 4',
        'while away',
        'away',
        'live',
      ]);
      const who = (await again.socket.request('whoami')).payload as {
        id: string;
        rooms: string[];
        data: object;
        query: object;
      };
      expect(who).toEqual({
        id: a.session.id,
        rooms: ['general', 'random'],
        data: { name: 'ann' },
        query: {},
      });
      expect(await app.get(RoomService).members('general')).toEqual(
        expect.arrayContaining([a.session.id, b.session.id]),
      );
      expect(log.disconnects).toEqual([]); // the drop did not end the session
      expect(log.connects.at(-1)).toEqual({ id: a.session.id, resumed: true, name: 'ann' });
    });

    test("a resume skips the client's own toRoom messages and what it already saw", async () => {
      const app = await start();
      const a = await client(app);
      const b = await client(app);
      await a.socket.request('join', 'r');
      await b.socket.request('join', 'r');
      await b.socket.request('say', { room: 'r', text: 'seen' });
      await a.socket.next('said');
      await a.socket.request('say', { room: 'r', text: 'mine' }); // toRoom excludes the sender
      await b.socket.next('said');
      const seen = [...a.socket.received];
      await drop(a.socket);
      await b.socket.request('say', { room: 'r', text: 'new' });
      const again = await resume(app, a.session.token, seen);
      await again.socket.waitFor((m) => m.payload === 'new');
      expect(pushes(again.socket).map((m) => m.payload)).toEqual(['new']);
    });

    test('@OnDisconnect runs once when the window expires, and the session cannot be resumed after it', async () => {
      const app = await start({ windowMs: 300, maxPerRoom: 10 });
      const log = app.get(HookLog);
      const a = await client(app, '?user=ann');
      await drop(a.socket);
      await waitUntil(() => log.disconnects.length > 0, 5_000);
      expect(log.disconnects).toEqual([{ id: a.session.id, name: 'ann' }]);
      const again = await resume(app, a.session.token, a.socket.received);
      expect(again.session.resumed).toBe(false);
      expect(again.session.id).not.toBe(a.session.id);
      expect(await app.get(ClientService).send(a.session.id, 'late', 1)).toBe(false);
    });

    test('a client that closes with 1000, a kick, or a 4000-4999 close ends the session at once', async () => {
      const app = await start();
      const log = app.get(HookLog);
      const normal = await client(app);
      await normal.socket.close(1000);
      const app4xxx = await client(app);
      await app4xxx.socket.close(4001, 'bye');
      const kicked = await client(app);
      await app.get(ClientService).disconnect(kicked.session.id, 1008, 'out');
      await kicked.socket.closed;
      await waitUntil(() => log.disconnects.length === 3, 5_000);
      for (const gone of [normal, app4xxx, kicked]) {
        const again = await resume(app, gone.session.token, gone.socket.received);
        expect(again.session.resumed).toBe(false);
      }
    });

    test('more missed than maxPerRoom is not resumable: a fresh session', async () => {
      const app = await start({ windowMs: 5_000, maxPerRoom: 3 });
      const a = await client(app);
      const b = await client(app);
      await a.socket.request('join', 'r');
      await b.socket.request('join', 'r');
      await drop(a.socket);
      for (let i = 0; i < 4; i++) await b.socket.request('say', { room: 'r', text: `m${i}` });
      const again = await resume(app, a.session.token, a.socket.received);
      expect(again.session.resumed).toBe(false);
      expect((await again.socket.request('whoami')).payload).toMatchObject({ rooms: [] });
    });

    test('the @OnConnect guard runs again: a revoked user is refused and its session is left to expire', async () => {
      const app = await start({ windowMs: 400, maxPerRoom: 10 });
      const log = app.get(HookLog);
      const a = await client(app, '?user=ann');
      await drop(a.socket);
      log.revoked.add('ann');
      await expect(
        connect(resumeUrl(app.port, '/chat', a.session.token, offsetsOf(a.socket.received), 'user=ann&')),
      ).rejects.toMatchObject({ status: 403 });
      await waitUntil(() => log.disconnects.length > 0, 5_000);
      expect(log.disconnects).toEqual([{ id: a.session.id, name: 'ann' }]);
    });

    test('a wrong token, bad offsets or an oversized offsets parameter start a new session (and never reach client.query)', async () => {
      const app = await start();
      const a = await client(app);
      const bad = [
        `resume=${encodeURIComponent(a.session.id + '.wrong')}`,
        `resume=${encodeURIComponent(a.session.token)}&offsets=not-json`,
        `resume=${encodeURIComponent(a.session.token)}&offsets=${encodeURIComponent('{"rooms":{"r":"x"}}')}`,
        `resume=${encodeURIComponent(a.session.token)}&offsets=${encodeURIComponent(JSON.stringify({ rooms: { big: 'x'.repeat(9000) } }))}`,
      ];
      for (const query of bad) {
        const other = await client(app, `?${query}&keep=1`);
        expect(other.session.resumed).toBe(false);
        expect(other.session.id).not.toBe(a.session.id);
        expect((await other.socket.request('whoami')).payload).toMatchObject({ query: { keep: '1' } });
      }
    });

    test('a resume while the old connection still looks open takes it over without ending the session', async () => {
      const app = await start();
      const log = app.get(HookLog);
      const a = await client(app);
      await a.socket.request('join', 'r');
      const again = await resume(app, a.session.token, a.socket.received);
      expect(again.session).toMatchObject({ id: a.session.id, resumed: true });
      await a.socket.closed; // the server dropped the stale one
      const b = await client(app);
      await b.socket.request('join', 'r');
      await b.socket.request('say', { room: 'r', text: 'to the new one' });
      await again.socket.waitFor((m) => m.payload === 'to the new one');
      expect(log.disconnects).toEqual([]);
      expect(await app.get(RoomService).members('r')).toEqual(expect.arrayContaining([a.session.id]));
      expect((await app.get(RoomService).members('r')).filter((id) => id === a.session.id)).toHaveLength(1);
    });

    test('rooms.history returns the retained pushes, newest last, bounded by maxPerRoom', async () => {
      const app = await start({ windowMs: 5_000, maxPerRoom: 3 });
      const rooms = app.get(RoomService);
      for (let i = 0; i < 5; i++) await rooms.to('h').emit('msg', { i });
      const history = await rooms.history('h');
      expect(history.map((h) => h.payload)).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
      expect(history[0]).toEqual({
        event: 'msg',
        payload: { i: 2 },
        offset: expect.stringMatching(/^\d+-\d+$/),
        at: expect.any(Number),
      });
      expect((await rooms.history('h', { limit: 1 })).map((h) => h.payload)).toEqual([{ i: 4 }]);
      expect(await rooms.history('empty')).toEqual([]);
    });

    test('rooms named "b" and "d" are rooms: their pushes are not taken for broadcasts or direct sends', async () => {
      const app = await start();
      const rooms = app.get(RoomService);
      const a = await client(app);
      await a.socket.request('join', 'b');
      await a.socket.request('join', 'd');
      await rooms.to('b').emit('in-b', 1);
      await a.socket.next('in-b');
      const seen = [...a.socket.received];
      await drop(a.socket);
      await rooms.to('d').emit('in-d', 2);
      await app.get(ClientService).broadcast('all', 3);
      await rooms.to('b').emit('in-b', 4);
      const again = await resume(app, a.session.token, seen);
      await again.socket.waitFor((m) => m.payload === 4);
      await rooms.to('d').emit('in-d', 5);
      await again.socket.waitFor((m) => m.payload === 5);
      expect(pushes(again.socket).map((m) => m.payload)).toEqual([2, 3, 4, 5]);
    });

    test('a push to several rooms reaches a member of both once, live and on resume', async () => {
      const app = await start();
      const rooms = app.get(RoomService);
      const a = await client(app);
      await a.socket.request('join', 'x');
      await a.socket.request('join', 'y');
      await rooms.to(['x', 'y']).emit('both', 1);
      await a.socket.next('both');
      const seen = [...a.socket.received];
      await drop(a.socket);
      await rooms.to(['y', 'x']).emit('both', 2);
      const again = await resume(app, a.session.token, seen);
      await rooms.to('x').emit('after', 3);
      await again.socket.next('after');
      expect(pushes(again.socket).map((m) => m.payload)).toEqual([2, 3]);
      expect(pushes(a.socket).map((m) => m.payload)).toEqual([1]);
    });

    test('apps of one cluster share sessions: a client resumes on the other app', async () => {
      const one = await start();
      const two = await start();
      const a = await client(one, '?user=ann');
      const b = await client(two);
      await a.socket.request('join', 'r');
      await b.socket.request('join', 'r');
      await drop(a.socket);
      await b.socket.request('say', { room: 'r', text: 'cross' });
      const again = await resume(two, a.session.token, a.socket.received);
      expect(again.session).toMatchObject({ id: a.session.id, resumed: true });
      await again.socket.waitFor((m) => m.payload === 'cross');
      expect(pushes(again.socket).map((m) => m.payload)).toEqual(['cross']);
    });

    test('without recovery nothing changes: no session frame, no offsets', async () => {
      const app = await bootstrap(RecoveryModule, testOptions);
      apps.push(app);
      const a = await connect(urlOf(app.port, '/chat'));
      sockets.push(a);
      await a.request('join', 'r');
      await app.get(RoomService).to('r').emit('plain', 1);
      expect(await a.next('plain')).toEqual({ event: 'plain', payload: 1 });
      expect(a.received.some((m) => m.event === 'session')).toBe(false);
      await expect(app.get(RoomService).history('r')).rejects.toThrow(/recovery/);
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
