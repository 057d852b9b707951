import { bootstrap, ClientService, RoomService, type WsApp } from 'ws-controllers';
import { DisconnectProbe, RoomsModule } from '../fixtures/rooms-app';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

let app: WsApp;
let sockets: TestSocket[] = [];

beforeEach(async () => {
  app = await bootstrap(RoomsModule, testOptions);
  sockets = [];
});

afterEach(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await app.close();
});

async function open(path = '/rooms'): Promise<TestSocket & { id: string }> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  const id = path === '/guarded-rooms' ? '' : ((await socket.request('whoami')).payload as string);
  return Object.assign(socket, { id });
}

const rooms = (): RoomService => app.get(RoomService);
const clients = (): ClientService => app.get(ClientService);

describe('client-driven rooms', () => {
  test('join-room with a top-level room replies with the client room list', async () => {
    const a = await open();
    a.send({ event: 'join-room', room: 'x', id: 1 });
    expect(await a.next('join-room')).toEqual({ event: 'join-room', payload: ['x'], id: 1 });
  });

  test('the room may also come as the payload or payload.room, and left-room leaves it', async () => {
    const a = await open();
    expect((await a.request('join-room', 'p1')).payload).toEqual(['p1']);
    expect((await a.request('join-room', { room: 'p2' })).payload).toEqual(['p1', 'p2']);
    expect((await a.request('left-room', { room: 'p1' })).payload).toEqual(['p2']);
    expect(await rooms().roomsOf(a.id)).toEqual(['p2']);
  });

  test('a room list never contains an implicit room named after the client id', async () => {
    const a = await open();
    expect(await rooms().roomsOf(a.id)).toEqual([]);
    expect((await a.request('join-room', 'only')).payload).toEqual(['only']);
  });

  test('a clientRooms function that says no gets FORBIDDEN', async () => {
    const a = await open('/guarded-rooms');
    expect((await a.request('join-room', 'secret')).payload).toMatchObject({ code: 'FORBIDDEN', event: 'join-room' });
    expect((await a.request('join-room', 'public-1')).payload).toEqual(['public-1']);
  });

  test('controllers without clientRooms treat join-room as an unknown event', async () => {
    const a = await open('/plain');
    expect((await a.request('join-room', 'x')).payload).toMatchObject({ code: 'UNKNOWN_EVENT' });
  });

  test('join-room without a room gets VALIDATION_FAILED', async () => {
    const a = await open();
    expect((await a.request('join-room', { nope: 1 })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('who receives what', () => {
  test('toRoom reaches the other members, not the sender and not non-members', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    await a.request('join-room', 'r');
    await b.request('join-room', 'r');
    await a.request('say', { room: 'r', text: 'hi' });
    expect((await b.next('said')).payload).toBe('hi');
    await clients().send(a.id, 'marker');
    await clients().send(c.id, 'marker');
    await a.next('marker');
    await c.next('marker');
    expect(a.received.some((m) => m.event === 'said')).toBe(false);
    expect(c.received.some((m) => m.event === 'said')).toBe(false);
  });

  test('rooms.to(room).except(id) skips the excepted client; pushes carry no id', async () => {
    const [a, b] = [await open(), await open()];
    await rooms().join(a.id, 'z');
    await rooms().join(b.id, 'z');
    await rooms().to('z').except([b.id]).emit('only-a', { n: 1 });
    expect(await a.next('only-a')).toEqual({ event: 'only-a', payload: { n: 1 } });
    await clients().send(b.id, 'marker');
    await b.next('marker');
    expect(b.received.some((m) => m.event === 'only-a')).toBe(false);
  });

  test('two messages to one room arrive in the order they were sent', async () => {
    const a = await open();
    await rooms().join(a.id, 'o');
    const target = rooms().to('o');
    await Promise.all([target.emit('seq', 1), target.emit('seq', 2)]);
    await a.next('seq');
    await a.next('seq');
    expect(a.received.filter((m) => m.event === 'seq').map((m) => m.payload)).toEqual([1, 2]);
  });

  test('a 500-member room fan-out reaches every member once', async () => {
    const members = await Promise.all(Array.from({ length: 500 }, () => connect(urlOf(app.port, '/rooms'))));
    sockets.push(...members);
    const ids = await Promise.all(members.map(async (m) => (await m.request('whoami')).payload as string));
    await Promise.all(ids.map((id) => rooms().join(id, 'big')));
    expect(await rooms().members('big')).toHaveLength(500);
    await rooms().to('big').emit('fan', 'out');
    const got = await Promise.all(members.map((m) => m.next('fan')));
    expect(got.every((m) => m.payload === 'out')).toBe(true);
  });

  test('sending to an unknown id resolves false and disconnecting it resolves false', async () => {
    expect(await clients().send('unknown', 'x')).toBe(false);
    expect(await clients().sendRaw('unknown', 'x')).toBe(false);
    expect(await clients().disconnect('unknown')).toBe(false);
    expect(clients().get('unknown')).toBeUndefined();
  });

  test('sendRaw delivers text and bytes as they are', async () => {
    const a = await open();
    expect(await clients().sendRaw(a.id, Buffer.from([7, 8]))).toBe(true);
    const frame = await a.nextRaw();
    expect(frame.isBinary).toBe(true);
    expect([...frame.data]).toEqual([7, 8]);
  });

  test('ids, count and get list the connected clients per path', async () => {
    const [a, b] = [await open(), await open('/plain')];
    expect((await clients().ids()).sort()).toEqual([a.id, b.id].sort());
    expect(await clients().ids('/plain')).toEqual([b.id]);
    expect(await clients().count('/rooms')).toBe(1);
    expect(clients().get(a.id)?.path).toBe('/rooms');
  });
});

describe('cleanup', () => {
  test('a closed client has left all its rooms before its disconnect handler finishes, and empty rooms vanish', async () => {
    const a = await open();
    await a.request('join-room', 'c1');
    await a.request('join-room', 'c2');
    await a.close();
    const probe = app.get(DisconnectProbe);
    await waitUntil(() => probe.roomsAtDisconnect.length === 1);
    expect(probe.roomsAtDisconnect[0]).toEqual([]);
    expect(await rooms().members('c1')).toEqual([]);
    expect(await clients().count()).toBe(0);
  });

  test('a client closed by id through ClientService gets the code and reason', async () => {
    const a = await open();
    expect(await clients().disconnect(a.id, 4002, 'kicked')).toBe(true);
    expect(await a.closed).toEqual({ code: 4002, reason: 'kicked' });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('client-driven rooms run the pipeline', () => {
  test('a global guard that refuses messages refuses join-room too', async () => {
    const guarded = await bootstrap(RoomsModule, { ...testOptions, guards: [(ctx) => ctx.kind === 'connect'] });
    try {
      const socket = await connect(urlOf(guarded.port, '/rooms'));
      expect((await socket.request('join-room', 'vip')).payload).toMatchObject({ code: 'FORBIDDEN', event: 'join-room' });
      expect(await guarded.get(RoomService).members('vip')).toEqual([]);
      await socket.close();
    } finally {
      await guarded.close();
    }
  });

  test('past maxRoomsPerClient join-room answers ROOM_LIMIT', async () => {
    const limited = await bootstrap(RoomsModule, { ...testOptions, maxRoomsPerClient: 1 });
    try {
      const socket = await connect(urlOf(limited.port, '/rooms'));
      expect((await socket.request('join-room', 'a')).payload).toEqual(['a']);
      expect((await socket.request('join-room', 'b')).payload).toMatchObject({ code: 'ROOM_LIMIT', event: 'join-room' });
      await socket.close();
    } finally {
      await limited.close();
    }
  });
});
