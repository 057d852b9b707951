import { connect, type Client, type ClientOptions, type SessionInfo } from 'ws-controllers/client';
import { rawServer, type RawConnection, type RawServer } from './support/raw-server';

let server: RawServer;
const clients: Array<Client<object, object>> = [];

beforeEach(async () => {
  server = await rawServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

const fast = { initialDelayMs: 5, maxDelayMs: 20 };

function open(options: ClientOptions = {}): Client {
  const client = connect(server.url(), { reconnect: fast, ...options });
  clients.push(client);
  return client;
}

/** Every payload of `event` the client's listeners receive. */
function collect(client: Client, event: string): unknown[] {
  const seen: unknown[] = [];
  client.on(event, (payload) => void seen.push(payload));
  return seen;
}

/** Sends a marker push and waits for it: every frame sent before it has been handled by then. */
async function settled(client: Client, connection: RawConnection): Promise<void> {
  const marker = new Promise((resolve) => client.once('marker', resolve));
  connection.send({ event: 'marker' });
  await marker;
}

/** Drops connection `n` and resolves with connection `n + 1`, the client's reconnect. */
async function reconnect(n: number): Promise<RawConnection> {
  await server.connections[n]!.drop();
  return server.connection(n + 1);
}

describe('offsets and duplicates', () => {
  test('a push whose offset is not after the latest of its room never reaches the listeners', async () => {
    const client = open();
    const conn = await server.connection(0);
    const seen = collect(client, 'msg');
    conn.session('c1', 't1', false);
    for (const [n, offset] of [[1, '5-1'], [2, '5-2'], [3, '5-2'], [4, '5-1'], [5, '6-0']] as const) {
      conn.send({ event: 'msg', payload: n, room: 'general', offset });
    }
    await settled(client, conn);
    expect(seen).toEqual([1, 2, 5]);
  });

  test('offsets compare as pairs of integers, not as text', async () => {
    const client = open();
    const conn = await server.connection(0);
    const seen = collect(client, 'msg');
    for (const [n, offset] of [[1, '9-0'], [2, '10-0'], [3, '10-9'], [4, '10-10'], [5, '9-99']] as const) {
      conn.send({ event: 'msg', payload: n, room: 'r', offset });
    }
    await settled(client, conn);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  test('each room, the direct log and the broadcast log are separate streams', async () => {
    const client = open();
    const conn = await server.connection(0);
    const seen = collect(client, 'msg');
    conn.send({ event: 'msg', payload: 'a', room: 'a', offset: '5-0' });
    conn.send({ event: 'msg', payload: 'b', room: 'b', offset: '3-0' });
    conn.send({ event: 'msg', payload: 'direct', offset: 'd4-0' });
    conn.send({ event: 'msg', payload: 'broadcast', offset: 'b2-0' });
    conn.send({ event: 'msg', payload: 'direct again', offset: 'd4-0' });
    conn.send({ event: 'msg', payload: 'broadcast again', offset: 'b1-5' });
    conn.send({ event: 'msg', payload: 'a again', room: 'a', offset: '4-0' });
    await settled(client, conn);
    expect(seen).toEqual(['a', 'b', 'direct', 'broadcast']);
  });

  test('frames without an offset (or with one of no known form) are never dropped', async () => {
    const client = open();
    const conn = await server.connection(0);
    const seen = collect(client, 'msg');
    conn.send({ event: 'msg', payload: 1 });
    conn.send({ event: 'msg', payload: 1 });
    conn.send({ event: 'msg', payload: 2, room: 'r', offset: 'x-1' });
    conn.send({ event: 'msg', payload: 2, room: 'r', offset: 'x-1' });
    await settled(client, conn);
    expect(seen).toEqual([1, 1, 2, 2]);
  });
});

describe('resuming', () => {
  test('the first connect has no resume parameters; a reconnect presents the token and the latest offsets, the query kept', async () => {
    const client = open({ query: { token: 'app-token', lang: 'en' } });
    const first = await server.connection(0);
    expect([...first.query.keys()]).toEqual(['token', 'lang']);
    first.session('c1', 'tok-1', false);
    first.send({ event: 'msg', room: 'general', offset: '100-0' });
    first.send({ event: 'msg', room: 'general', offset: '100-1' });
    first.send({ event: 'msg', room: 'random', offset: '90-4' });
    first.send({ event: 'msg', offset: 'd50-2' });
    first.send({ event: 'msg', offset: 'b70-0' });
    await settled(client, first);
    const second = await reconnect(0);
    expect(second.query.get('token')).toBe('app-token');
    expect(second.query.get('lang')).toBe('en');
    expect(second.query.get('resume')).toBe('tok-1');
    expect(second.offsets).toEqual({ rooms: { general: '100-1', random: '90-4' }, direct: 'd50-2', broadcast: 'b70-0' });
  });

  test('a stream the client never received from is left out of the offsets', async () => {
    const client = open();
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    first.send({ event: 'msg', offset: 'd50-2' });
    await settled(client, first);
    const second = await reconnect(0);
    expect(second.offsets).toEqual({ direct: 'd50-2' });
  });

  test('the token of every session frame replaces the previous one', async () => {
    const client = open();
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    await settled(client, first);
    const second = await reconnect(0);
    expect(second.query.get('resume')).toBe('tok-1');
    second.session('c1', 'tok-2', true);
    await settled(client, second);
    const third = await reconnect(1);
    expect(third.query.get('resume')).toBe('tok-2');
  });

  test('the SDK’s resume and offsets replace query values of the same name', async () => {
    const client = open({ query: { resume: 'mine', offsets: 'mine' } });
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    await settled(client, first);
    const second = await reconnect(0);
    expect(second.query.getAll('resume')).toEqual(['tok-1']);
    expect(second.query.getAll('offsets')).toEqual(['{}']);
  });

  test('room names with URL and JSON specials reach the server intact', async () => {
    const room = 'a&b=c #%+?/😀 "q" \\ é';
    const client = open();
    const first = await server.connection(0);
    first.session('c1', 'tok/+=&?', false);
    first.send({ event: 'msg', room, offset: '1-0' });
    await settled(client, first);
    const second = await reconnect(0);
    expect(second.query.get('resume')).toBe('tok/+=&?');
    expect(second.offsets).toEqual({ rooms: { [room]: '1-0' } });
  });

  test('resumed: true keeps the offsets: a replayed push it already saw is dropped', async () => {
    const client = open();
    const seen = collect(client, 'msg');
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    first.send({ event: 'msg', payload: 1, room: 'r', offset: '1-0' });
    await settled(client, first);
    const second = await reconnect(0);
    second.session('c1', 'tok-2', true);
    second.send({ event: 'msg', payload: 1, room: 'r', offset: '1-0' });
    second.send({ event: 'msg', payload: 2, room: 'r', offset: '1-1' });
    await settled(client, second);
    expect(seen).toEqual([1, 2]);
  });

  test('resumed: false forgets every offset: the new session’s pushes all arrive and only they are presented next time', async () => {
    const client = open();
    const seen = collect(client, 'msg');
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    first.send({ event: 'msg', payload: 'old', room: 'r', offset: '5-0' });
    first.send({ event: 'msg', payload: 'old direct', offset: 'd5-0' });
    await settled(client, first);
    const second = await reconnect(0);
    second.session('c2', 'tok-2', false);
    second.send({ event: 'msg', payload: 'new direct', offset: 'd1-0' });
    await settled(client, second);
    const third = await reconnect(1);
    expect(third.query.get('resume')).toBe('tok-2');
    expect(third.offsets).toEqual({ direct: 'd1-0' });
    expect(seen).toEqual(['old', 'old direct', 'new direct']);
  });

  test('a join-room or left-room reply (the room list) forgets the offsets of rooms the client is no longer in', async () => {
    const client = open();
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    first.send({ event: 'msg', room: 'a', offset: '1-0' });
    first.send({ event: 'msg', room: 'b', offset: '1-0' });
    await settled(client, first);
    const left = client.request('left-room', { room: 'a' });
    const request = await first.next();
    expect(request).toMatchObject({ event: 'left-room', payload: { room: 'a' } });
    first.send({ event: 'left-room', id: request.id, payload: ['b'] });
    await expect(left).resolves.toEqual(['b']);
    const second = await reconnect(0);
    expect(second.offsets).toEqual({ rooms: { b: '1-0' } });
  });
});

describe('a resume refused with RESUME_CONFLICT', () => {
  test('the client comes back at once without resume (a new session); any other 4xx refusal stays final', async () => {
    await server.close();
    const seenResumes: Array<string | null> = [];
    server = await rawServer((query, refused) => {
      seenResumes.push(query.get('resume'));
      if (query.has('resume') && refused === 0) return { status: 409, body: { code: 'RESUME_CONFLICT', message: 'claimed' } };
      if (query.has('resume')) return { status: 403, body: { code: 'FORBIDDEN', message: 'no' } };
      return undefined;
    });
    const client = open();
    const sessions: SessionInfo[] = [];
    client.onSession((s) => void sessions.push(s));
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    await settled(client, first);
    await first.drop();
    const second = await server.connection(1);
    second.session('c2', 'tok-2', false);
    await settled(client, second);
    expect(seenResumes).toEqual([null, 'tok-1', null]);
    expect(second.query.has('offsets')).toBe(false);
    expect(sessions).toEqual([
      { id: 'c1', resumed: false },
      { id: 'c2', resumed: false },
    ]);
    // The next resume is refused with 403: that is final, as for any handshake.
    const closed = new Promise<void>((resolve) => client.onStatus((status) => status === 'closed' && resolve()));
    await second.drop();
    await closed;
    await expect(client.ready()).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });
});

describe('onSession', () => {
  test('onSession reports the id and resumed of every connection, and stops after unsubscribing', async () => {
    const client = open();
    const sessions: SessionInfo[] = [];
    const stop = client.onSession((s) => void sessions.push(s));
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    await settled(client, first);
    expect(client.session).toEqual({ id: 'c1', resumed: false });
    const second = await reconnect(0);
    second.session('c1', 'tok-2', true);
    await settled(client, second);
    stop();
    const third = await reconnect(1);
    third.session('c9', 'tok-3', false);
    await settled(client, third);
    expect(sessions).toEqual([
      { id: 'c1', resumed: false },
      { id: 'c1', resumed: true },
    ]);
    expect(client.session).toEqual({ id: 'c9', resumed: false });
  });

  test('session frames reach on("session") listeners too, token included', async () => {
    const client = open();
    const frames = collect(client, 'session');
    const first = await server.connection(0);
    first.session('c1', 'tok-1', false);
    await settled(client, first);
    expect(frames).toEqual([{ id: 'c1', token: 'tok-1', resumed: false }]);
  });

  test("an app's own push named session with another shape is an ordinary push and starts no session", async () => {
    const client = open();
    const frames = collect(client, 'session');
    const sessions: SessionInfo[] = [];
    client.onSession((s) => void sessions.push(s));
    const first = await server.connection(0);
    first.send({ event: 'session', payload: { user: 'ann' } });
    await settled(client, first);
    expect(frames).toEqual([{ user: 'ann' }]);
    expect(sessions).toEqual([]);
    expect(client.session).toBeUndefined();
    const second = await reconnect(0);
    expect(second.query.has('resume')).toBe(false);
  });

  test('a throwing onSession listener does not stop the others (its error is rethrown on its own)', async () => {
    const client = open();
    const first = await server.connection(0);
    const sessions: SessionInfo[] = [];
    const rethrown: unknown[] = [];
    // The listeners rethrow on a microtask, where the runtime reports it: catch it there.
    const original = globalThis.queueMicrotask;
    const spy = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) =>
      original(() => {
        try {
          fn();
        } catch (error) {
          rethrown.push(error);
        }
      }),
    );
    try {
      client.onSession(() => {
        throw new Error('listener bug');
      });
      client.onSession((s) => void sessions.push(s));
      first.session('c1', 'tok-1', false);
      await settled(client, first);
    } finally {
      spy.mockRestore();
    }
    expect(sessions).toEqual([{ id: 'c1', resumed: false }]);
    expect(rethrown).toEqual([expect.objectContaining({ message: 'listener bug' })]);
  });
});
