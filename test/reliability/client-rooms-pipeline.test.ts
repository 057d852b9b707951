/**
 * Reliability (issue 15, item 5): nothing skips global and controller guards. The built-in `join-room`
 * and `left-room` messages run through the same pipeline as handlers (guards, rate limits, filters,
 * handler timeout, in-flight tracking, metrics); the `clientRooms` policy has a timeout; a client holds
 * at most `maxRoomsPerClient` rooms, so the join reply (the room list) stays bounded.
 */
import {
  bootstrap,
  Catch,
  ClientService,
  ConnectedClient,
  Module,
  OnMessage,
  Payload,
  RateLimit,
  RoomService,
  UseGuards,
  WebSocketController,
  WsException,
  type BootstrapOptions,
  type ExecutionContext,
  type WsApp,
  type WsClient,
  type WsExceptionFilter,
} from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { report } from './support/figures';

/** Lets every client connect; only clients with `?member=1` may send messages. */
const membersOnly = (ctx: ExecutionContext): boolean => ctx.kind === 'connect' || ctx.client.query.member === '1';

@WebSocketController('/open', { clientRooms: true })
class OpenRoomsController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }

  @OnMessage('server-join')
  async serverJoin(@ConnectedClient() client: WsClient, @Payload() room: string) {
    await client.join(room);
    return client.rooms.size;
  }
}

@WebSocketController('/guarded', { clientRooms: true })
@UseGuards(membersOnly)
class GuardedRoomsController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }
}

@WebSocketController('/limited', { clientRooms: true })
@RateLimit({ points: 5, perMs: 60_000 })
class LimitedRoomsController {}

/** The policy calls waiting for their answer, in order. */
const waitingPolicies: Array<(allowed: boolean) => void> = [];
@WebSocketController('/slow-policy', {
  clientRooms: (_client, room) => (room === 'hang' ? new Promise<boolean>(() => undefined) : new Promise<boolean>((resolve) => waitingPolicies.push(resolve))),
})
class SlowPolicyController {}

@Catch(WsException)
class RenameForbidden implements WsExceptionFilter {
  catch(error: unknown) {
    return error instanceof WsException && error.code === 'FORBIDDEN' ? { code: 'MEMBERS_ONLY', message: 'members only' } : undefined;
  }
}

@Module({ controllers: [OpenRoomsController, GuardedRoomsController, LimitedRoomsController, SlowPolicyController] })
class RoomsPipelineModule {}

/** `promise`, or a rejection after `ms` (so a regression fails fast instead of hanging the suite). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const apps: WsApp[] = [];
const sockets: TestSocket[] = [];

async function start(options: BootstrapOptions = {}): Promise<WsApp> {
  const app = await bootstrap(RoomsPipelineModule, { ...testOptions, ...options });
  apps.push(app);
  return app;
}

async function open(app: WsApp, path: string): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  return socket;
}

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close({ timeoutMs: 1000 })));
});

/** Pushes to a room, then a marker straight to the client: anything from the room arrives before it. */
async function receivesPush(app: WsApp, socket: TestSocket, room: string): Promise<boolean> {
  await app.get(RoomService).to(room).emit('room-push', room);
  const marker = await socket.request('echo', 'marker').catch(() => undefined);
  if (marker === undefined) return socket.received.some((m) => m.event === 'room-push');
  return socket.received.some((m) => m.event === 'room-push');
}

test('a client refused by a global guard cannot join a room and receives none of its pushes', async () => {
  const app = await start({ guards: [membersOnly] });
  const outsider = await open(app, '/open');
  outsider.send({ event: 'join-room', room: 'vip', id: 'j' });
  expect(await outsider.waitFor((m) => m.id === 'j')).toMatchObject({ event: 'error', payload: { code: 'FORBIDDEN', event: 'join-room' }, id: 'j' });
  expect(await app.get(RoomService).members('vip')).toEqual([]);
  expect(await receivesPush(app, outsider, 'vip')).toBe(false);
  const member = await connect(urlOf(app.port, '/open?member=1'));
  sockets.push(member);
  expect((await member.request('join-room', 'vip')).payload).toEqual(['vip']);
  expect(await receivesPush(app, member, 'vip')).toBe(true);
});

test('controller guards apply to join-room and left-room, and filters map their refusals', async () => {
  const app = await start({ filters: [RenameForbidden] });
  const outsider = await open(app, '/guarded');
  expect((await outsider.request('join-room', 'vip')).payload).toMatchObject({ code: 'MEMBERS_ONLY' });
  expect((await outsider.request('left-room', 'vip')).payload).toMatchObject({ code: 'MEMBERS_ONLY' });
  expect(await app.get(RoomService).members('vip')).toEqual([]);
});

test('join-room counts against the controller rate limit and a flood of joins is closed with 1008', async () => {
  const app = await start();
  const socket = await open(app, '/limited');
  for (let i = 0; i < 5; i++) expect((await socket.request('join-room', `r${i}`)).payload).toHaveLength(i + 1);
  for (let i = 0; i < 100; i++) socket.send({ event: 'join-room', room: `flood-${i}`, id: `flood-${i}` });
  expect((await within(socket.closed, 3000, 'flood close')).code).toBe(1008);
  const refused = socket.received.filter((m) => (m.payload as { code?: string })?.code === 'RATE_LIMITED');
  report('client-rooms-pipeline', { attack: '5 joins, then 100 more under a 5/min controller limit', refusedReplies: refused.length, joinedAfterLimit: socket.received.filter((m) => m.event === 'join-room').length - 5 });
  expect(refused).toHaveLength(10); // closeAfter (10) refusals, then the close
  expect(socket.received.filter((m) => m.event === 'join-room')).toHaveLength(5);
  expect(await app.get(RoomService).members('flood-0')).toEqual([]);
});

test('a clientRooms policy that never settles answers HANDLER_TIMEOUT after the policy timeout', async () => {
  const app = await start({ handshakeTimeoutMs: 200 });
  const socket = await open(app, '/slow-policy');
  expect((await socket.request('join-room', 'hang')).payload).toMatchObject({ code: 'HANDLER_TIMEOUT', event: 'join-room' });
  expect(await app.get(RoomService).members('hang')).toEqual([]);
});

test('a join waiting on its policy is in flight: close() lets it finish and reply first', async () => {
  const app = await start();
  const socket = await open(app, '/slow-policy');
  socket.send({ event: 'join-room', room: 'later', id: 'late' });
  while (waitingPolicies.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const closing = app.close({ timeoutMs: 3000 });
  await new Promise((resolve) => setTimeout(resolve, 50)); // close() is now waiting on the join
  waitingPolicies.shift()?.(true);
  expect(await socket.waitFor((m) => m.id === 'late')).toMatchObject({ event: 'join-room', payload: ['later'] });
  await closing;
});

test('join-room is counted and timed in the metrics like a handler', async () => {
  const app = await start({ metrics: true });
  const socket = await open(app, '/open');
  await socket.request('join-room', 'a');
  await socket.request('left-room', 'a');
  const metrics = await app.metrics();
  expect(metrics).toMatch(/ws_messages_in_total\{event="join-room"\} 1/);
  expect(metrics).toMatch(/ws_messages_in_total\{event="left-room"\} 1/);
  expect(metrics).toMatch(/ws_handler_duration_seconds_count\{event="join-room"\} 1/);
});

test('past maxRoomsPerClient (default 100) join-room answers ROOM_LIMIT, and so does client.join on the server', async () => {
  const app = await start();
  const socket = await open(app, '/open');
  let largestReply = 0;
  for (let i = 0; i < 100; i++) {
    socket.send({ event: 'join-room', room: `room-${i}`, id: `j${i}` });
  }
  const last = await socket.waitFor((m) => m.id === 'j99');
  for (const m of socket.received) largestReply = Math.max(largestReply, JSON.stringify(m).length);
  expect(last.payload).toHaveLength(100);
  expect((await socket.request('join-room', 'one-too-many')).payload).toMatchObject({ code: 'ROOM_LIMIT', event: 'join-room' });
  expect((await socket.request('server-join', 'one-too-many')).payload).toMatchObject({ code: 'ROOM_LIMIT' });
  // Joining a room it is already in is not a new room.
  expect((await socket.request('join-room', 'room-0')).payload).toHaveLength(100);
  expect((await socket.request('left-room', 'room-0')).payload).toHaveLength(99);
  expect((await socket.request('join-room', 'now-it-fits')).payload).toHaveLength(100);
  report('client-rooms-pipeline', { attack: '101 joins', maxRoomsPerClient: 100, largestReplyBytes: largestReply });
  expect(largestReply).toBeLessThan(4096);
});

test('maxRoomsPerClient is an option, and client room names longer than 256 characters are refused', async () => {
  const app = await start({ maxRoomsPerClient: 2 });
  const socket = await open(app, '/open');
  await socket.request('join-room', 'a');
  await socket.request('join-room', 'b');
  expect((await socket.request('join-room', 'c')).payload).toMatchObject({ code: 'ROOM_LIMIT' });
  expect((await socket.request('left-room', 'a')).payload).toEqual(['b']);
  expect((await socket.request('join-room', 'x'.repeat(257))).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
});

test('100 clients each trying 150 joins: each holds at most 100 rooms and every reply is bounded', async () => {
  const app = await start();
  const started = Date.now();
  const clients = await Promise.all(Array.from({ length: 100 }, () => open(app, '/open')));
  let largest = 0;
  let limited = 0;
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < 150; i++) client.send({ event: 'join-room', room: `c${c}-${i}-${'n'.repeat(200)}`, id: `j${i}` });
      await client.waitFor((m) => m.id === 'j149', 20_000);
      for (const frame of client.rawFrames) largest = Math.max(largest, frame.data.length);
      limited += client.received.filter((m) => (m.payload as { code?: string })?.code === 'ROOM_LIMIT').length;
    }),
  );
  report('client-rooms-pipeline', { clients: 100, joinsEach: 150, roomLimitReplies: limited, largestReplyBytes: largest, ms: Date.now() - started });
  expect(limited).toBe(100 * 50);
  expect(largest).toBeLessThan(100 * 260);
  const held = await Promise.all((await app.get(ClientService).ids('/open')).map((id) => app.get(RoomService).roomsOf(id)));
  expect(held).toHaveLength(100);
  expect(held.every((r) => r.length === 100)).toBe(true);
});
