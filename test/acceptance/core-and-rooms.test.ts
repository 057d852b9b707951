/**
 * @module test/acceptance/core-and-rooms
 * Acceptance tests for issues 2 (core runtime) and 3 (rooms), written from the issue texts and the
 * README alone: the package is driven over real sockets, as a user would, importing only 'ws-controllers'.
 */
import 'reflect-metadata';
import { createServer, request as httpRequest, Server, type IncomingMessage } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import WebSocket from 'ws';
import { IsBoolean, IsString, Length, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { container as rootContainer } from 'tsyringe';
import {
  bootstrap,
  ClientService,
  CloseCode,
  CloseReason,
  ConnectedClient,
  Headers,
  inject,
  injectable,
  Module,
  OnConnect,
  OnDisconnect,
  OnError,
  OnMessage,
  OnRawMessage,
  Param,
  Payload,
  Query,
  RawMessage,
  RoomService,
  WebSocketController,
  WsApp,
  WsException,
  type BootstrapOptions,
  type Logger,
  type RawMessageData,
  WsClient,
} from 'ws-controllers';
import { connect, TestSocket, urlOf, type Refusal } from '../support/ws-test-client';

// ---- a user's app ---------------------------------------------------------------------------------

/** What the controllers saw, for the tests to inspect. */
@injectable()
class ChatStore {
  connectReadyState: number[] = [];
  connectSaw: Array<{ query: unknown; trace: unknown; remoteAddress: string; path: string }> = [];
  disconnects: Array<{ id: string; code: number; reason: string; readyState: number }> = [];
  errors: unknown[] = [];
  readyStateAfterClose: number | undefined;
  clients = new Map<string, WsClient>();
}

class TypingDto {
  @IsString() @Length(1, 32) room!: string;
  @IsBoolean() typing!: boolean;
}

class AddressDto {
  @IsString() street!: string;
}

class PersonDto {
  @IsString() name!: string;
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
}

const hasOwn = (value: unknown, key: string): boolean => value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);

@WebSocketController('/chat')
class ChatController {
  constructor(private readonly store: ChatStore) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string) {
    this.store.connectReadyState.push(client.readyState);
    this.store.connectSaw.push({ query: client.query, trace: client.headers['x-trace'], remoteAddress: client.remoteAddress, path: client.path });
    if (token === 'deny') return false;
    if (token === 'crash') throw new Error('connect secret');
    if (token === 'forbid') throw new WsException('NOPE', 'not you');
    if (token !== 'good') throw new WsException('UNAUTHORIZED', 'bad token', { status: 401 });
    client.data.user = 'ann';
    this.store.clients.set(client.id, client);
    client.emit('welcome', { id: client.id });
    return undefined;
  }

  @OnMessage('user-typing')
  typing(@Payload() dto: TypingDto) {
    return { ok: true, isDto: dto instanceof TypingDto, dto };
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient, @Headers('X-Trace') trace: string, @Headers() headers: Record<string, string>, @Query() query: Record<string, string>) {
    return {
      id: client.id,
      path: client.path,
      query: client.query,
      queryIsPlain: Object.getPrototypeOf(client.query) === Object.prototype || Object.getPrototypeOf(client.query) === null,
      queryParam: query,
      traceParam: trace,
      traceHeader: client.headers['x-trace'],
      hostHeader: headers.host,
      remoteAddress: client.remoteAddress,
      readyState: client.readyState,
      user: client.data.user,
    };
  }

  @OnMessage('count')
  count(@ConnectedClient() client: WsClient) {
    client.data.count = ((client.data.count as number | undefined) ?? 0) + 1;
    return client.data.count;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  @OnMessage('echo-any')
  echoAny(@Payload() payload: any) {  // eslint-disable-line @typescript-eslint/no-explicit-any
    return payload as unknown;
  }

  @OnMessage('echo-object')
  echoObject(@Payload() payload: Record<string, unknown>) {
    return payload;
  }

  @OnMessage('string')
  str(@Payload() value: string) {
    return { type: typeof value, value };
  }

  @OnMessage('number')
  num(@Payload() value: number) {
    return { type: typeof value, value };
  }

  @OnMessage('boolean')
  bool(@Payload() value: boolean) {
    return { type: typeof value, value };
  }

  @OnMessage('field')
  field(@Payload('name') name: string) {
    return name;
  }

  @OnMessage('person-field')
  personField(@Payload('person') dto: PersonDto) {
    return { isDto: dto instanceof PersonDto, street: dto.address.street };
  }

  @OnMessage('array')
  array(@Payload() items: string[]) {
    return items.length;
  }

  @OnMessage('person')
  person(@Payload() dto: PersonDto) {
    return dto;
  }

  @OnMessage('async')
  async later(@Payload() value: number) {
    await new Promise((resolve) => setImmediate(resolve));
    return value * 2;
  }

  @OnMessage('nothing')
  nothing() {
    return undefined;
  }

  @OnMessage('null')
  nul() {
    return null;
  }

  @OnMessage('false')
  falsy() {
    return false;
  }

  @OnMessage('fail-ws')
  failWs() {
    throw new WsException('TEAPOT', 'short and stout', { details: { spout: true } });
  }

  @OnMessage('fail')
  fail() {
    throw new Error('internal secret text');
  }

  @OnMessage('fail-async')
  async failAsync() {
    await Promise.resolve();
    throw new TypeError('async secret text');
  }

  @OnMessage('push-and-reply')
  pushAndReply(@ConnectedClient() client: WsClient) {
    client.emit('pushed', { n: 1 });
    return 'replied';
  }

  @OnMessage('raw-send')
  rawSend(@ConnectedClient() client: WsClient) {
    client.send('plain text, not an envelope');
    client.send(Buffer.from([1, 2, 3]));
  }

  @OnMessage('close-me')
  closeMe(@ConnectedClient() client: WsClient) {
    client.close(4001, 'bye now');
    this.store.readyStateAfterClose = client.readyState;
  }

  @OnMessage('proto')
  proto(@Payload() payload: unknown) {
    const inner = (payload as { nested?: unknown } | null)?.nested;
    return {
      ownProto: hasOwn(payload, '__proto__'),
      ownConstructor: hasOwn(payload, 'constructor'),
      nestedOwnProto: hasOwn(inner, '__proto__'),
      polluted: ({} as Record<string, unknown>).polluted ?? null,
      payloadPolluted: (payload as Record<string, unknown>).polluted ?? null,
    };
  }

  @OnError()
  onError(error: unknown) {
    this.store.errors.push(error);
  }

  @OnDisconnect()
  bye(@ConnectedClient() client: WsClient, @CloseCode() code: number, @CloseReason() reason: string) {
    this.store.disconnects.push({ id: client.id, code, reason, readyState: client.readyState });
  }
}

@WebSocketController('/raw')
class RawController {
  @OnRawMessage()
  raw(@RawMessage() raw: RawMessageData, @ConnectedClient() client: WsClient) {
    client.emit('raw', { text: raw.text(), bytes: [...raw.bytes()] });
  }

  @OnMessage('ping')
  ping() {
    return 'pong';
  }
}

@WebSocketController('/games/:gameId')
class GameController {
  @OnMessage('where')
  where(@Param('gameId') gameId: string, @ConnectedClient() client: WsClient) {
    return { gameId, params: client.params, path: client.path };
  }
}

@WebSocketController('/raw-reply')
class RawReplyController {
  @OnRawMessage()
  raw(@RawMessage() raw: RawMessageData) {
    return `got ${raw.text()}`;
  }
}

/** A deferred the tests control, to hold an `@OnConnect` open. */
class Gate {
  entered!: Promise<void>;
  private enter!: () => void;
  release!: () => void;
  private opened!: Promise<void>;
  constructor() {
    this.reset();
  }
  reset(): void {
    this.entered = new Promise((resolve) => (this.enter = resolve));
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  async pass(): Promise<void> {
    this.enter();
    await this.opened;
  }
}
const connectGate = new Gate();

@WebSocketController('/slow')
class SlowController {
  @OnConnect()
  async connect(@ConnectedClient() client: WsClient) {
    client.emit('first', 1);
    await connectGate.pass();
    client.emit('second', 2);
  }

  @OnMessage('hi')
  hi() {
    return 'hello';
  }
}

const disconnectLog: string[] = [];

@WebSocketController('/slow-bye')
class SlowByeController {
  @OnDisconnect()
  async bye(@CloseCode() code: number) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    disconnectLog.push(`done ${code}`);
  }
}

// ---- providers and modules --------------------------------------------------------------------------

@injectable()
class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

@WebSocketController('/feature')
class FeatureController {
  constructor(private readonly greeter: Greeter) {}

  @OnMessage('greet')
  greet(@Payload() name: string) {
    return this.greeter.greet(name);
  }
}

@Module({ controllers: [FeatureController], providers: [Greeter] })
class FeatureModule {}

abstract class Repo {
  abstract kind(): string;
}
class MemoryRepo extends Repo {
  kind(): string {
    return 'memory';
  }
}
let factoryCalls = 0;
const CONFIG = 'CONFIG';
const STAMP = Symbol('stamp');

@WebSocketController('/di')
class DiController {
  constructor(
    readonly store: ChatStore,
    readonly greeter: Greeter,
    readonly repo: Repo,
    @inject(CONFIG) readonly config: { greeting: string },
    @inject(STAMP) readonly stamp: { call: number },
    readonly rooms: RoomService,
    readonly clients: ClientService,
  ) {}

  @OnMessage('di')
  di() {
    return { greeting: this.config.greeting, repo: this.repo.kind(), stamp: this.stamp.call, hi: this.greeter.greet('bob') };
  }
}

@Module({
  imports: [FeatureModule],
  controllers: [ChatController, RawController, RawReplyController, SlowController, SlowByeController, DiController, GameController],
  providers: [
    ChatStore,
    { provide: CONFIG, useValue: { greeting: 'hi' } },
    { provide: Repo, useClass: MemoryRepo },
    { provide: STAMP, useFactory: () => ({ call: ++factoryCalls }) },
  ],
})
class AppModule {}

// ---- rooms app ------------------------------------------------------------------------------------

const roomsSeen = { disconnect: [] as Array<{ rooms: string[]; members: string[]; roomsOf: string[] }>, policy: [] as Array<[string, string]> };

@WebSocketController('/rooms', { clientRooms: true })
class RoomsController {
  constructor(
    readonly rooms: RoomService,
    readonly clients: ClientService,
  ) {}

  @OnConnect()
  async connect(@ConnectedClient() client: WsClient, @Query('room') room: string | undefined) {
    if (room !== undefined) await client.join(room);
  }

  @OnMessage('id')
  id(@ConnectedClient() client: WsClient) {
    return client.id;
  }

  @OnMessage('close')
  close(@ConnectedClient() client: WsClient) {
    client.close();
  }

  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload('room') room: string) {
    const pending = client.join(room);
    const isPromise = pending instanceof Promise;
    const value = await pending;
    return { isPromise, resolvedUndefined: value === undefined, rooms: [...client.rooms], has: client.rooms.has(room) };
  }

  @OnMessage('leave')
  async leave(@ConnectedClient() client: WsClient, @Payload('room') room: string) {
    const pending = client.leave(room);
    const isPromise = pending instanceof Promise;
    const value = await pending;
    return { isPromise, resolvedUndefined: value === undefined, rooms: [...client.rooms] };
  }

  @OnMessage('rooms')
  list(@ConnectedClient() client: WsClient) {
    return [...client.rooms];
  }

  @OnMessage('tamper')
  tamper(@ConnectedClient() client: WsClient) {
    try {
      (client.rooms as Set<string>).add('forged');
    } catch {
      // a read-only set may refuse outright
    }
    return [...client.rooms];
  }

  @OnMessage('to-room')
  async toRoom(@ConnectedClient() client: WsClient, @Payload() p: { room: string; text: string }) {
    const pending = client.toRoom(p.room, 'room-message', { from: client.id, text: p.text });
    const isPromise = pending instanceof Promise;
    return { isPromise, value: (await pending) ?? null };
  }

  @OnMessage('to')
  async to(@ConnectedClient() client: WsClient, @Payload() p: { id: string; text: string }) {
    const pending = client.to(p.id, 'direct', { from: client.id, text: p.text });
    return { isPromise: pending instanceof Promise, value: await pending };
  }

  @OnMessage('broadcast')
  async broadcast(@ConnectedClient() client: WsClient, @Payload('text') text: string) {
    const pending = client.broadcast('broadcasted', { from: client.id, text });
    return { isPromise: pending instanceof Promise, value: (await pending) ?? null };
  }

  @OnDisconnect()
  async bye(@ConnectedClient() client: WsClient) {
    roomsSeen.disconnect.push({ rooms: [...client.rooms], members: await this.rooms.members('cleanup'), roomsOf: await this.rooms.roomsOf(client.id) });
  }
}

@WebSocketController('/other')
class OtherController {
  @OnMessage('id')
  id(@ConnectedClient() client: WsClient) {
    return client.id;
  }
}

@WebSocketController('/policy', {
  clientRooms: async (client, room) => {
    roomsSeen.policy.push([client.id, room]);
    await Promise.resolve();
    return !room.startsWith('admin-');
  },
})
class PolicyController {
  @OnMessage('id')
  id(@ConnectedClient() client: WsClient) {
    return client.id;
  }
}

@injectable()
class Notifier {
  constructor(
    readonly rooms: RoomService,
    readonly clients: ClientService,
  ) {}
}

@Module({ controllers: [RoomsController, OtherController, PolicyController], providers: [Notifier] })
class RoomsModule {}

// ---- harness ----------------------------------------------------------------------------------------

const base: BootstrapOptions = { port: 0, host: '127.0.0.1', logger: false };
const apps: WsApp[] = [];
const sockets: TestSocket[] = [];
const servers: Server[] = [];

async function start(module: new (...args: never[]) => unknown = AppModule, options: BootstrapOptions = {}): Promise<WsApp> {
  const app = await bootstrap(module, { ...base, ...options });
  apps.push(app);
  return app;
}

async function open(app: WsApp, path: string, options?: WebSocket.ClientOptions): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path), options);
  sockets.push(socket);
  return socket;
}

/** A chat client, past its welcome message. */
async function chat(app: WsApp, query = 'token=good'): Promise<TestSocket & { id: string }> {
  const socket = await open(app, `/chat?${query}`);
  const welcome = await socket.next('welcome');
  return Object.assign(socket, { id: (welcome.payload as { id: string }).id });
}

async function member(app: WsApp, path = '/rooms'): Promise<TestSocket & { id: string }> {
  const socket = await open(app, path);
  return Object.assign(socket, { id: (await socket.request('id')).payload as string });
}

async function refusal(app: WsApp, path: string): Promise<Refusal> {
  try {
    const socket = await open(app, path);
    throw new Error(`expected a refusal, got an open socket (${socket.ws.readyState})`);
  } catch (error) {
    return error as Refusal;
  }
}

/** Proves what `socket` did not receive: a marker sent after `sent` arrives, and nothing matching before it. */
async function nothingBefore(app: WsApp, socket: TestSocket & { id: string }, event: string): Promise<void> {
  const marker = `marker-${Math.random()}`;
  expect(await app.get(ClientService).send(socket.id, marker)).toBe(true);
  await socket.next(marker);
  expect(socket.received.filter((m) => m.event === event)).toEqual([]);
}

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

afterEach(async () => {
  connectGate.release();
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  connectGate.reset();
});

// ==== issue 2: core runtime ==========================================================================

describe('the example of the issue', () => {
  test('a connect handler throwing WsException UNAUTHORIZED with status 401 refuses the upgrade with 401', async () => {
    const app = await start();
    const refused = await refusal(app, '/chat?token=bad');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: 'UNAUTHORIZED', message: 'bad token' });
  });

  test('what the connect handler emits is the first message after the handshake, and it carries no id', async () => {
    const app = await start();
    const socket = await open(app, '/chat?token=good');
    const first = await socket.next();
    expect(first.event).toBe('welcome');
    expect(first).not.toHaveProperty('id');
    expect(Object.keys(first).sort()).toEqual(['event', 'payload']);
  });

  test('user-typing with a valid TypingDto gets the returned value as the reply, with the request id', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.send({ event: 'user-typing', payload: { room: 'lobby', typing: true }, id: 'req-1' });
    const reply = await socket.waitFor((m) => m.id === 'req-1');
    expect(reply).toEqual({ event: 'user-typing', payload: { ok: true, isDto: true, dto: { room: 'lobby', typing: true } }, id: 'req-1' });
  });

  test('data set at connect is there in later handlers, and app.get returns the injected store', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('whoami')).payload).toMatchObject({ user: 'ann' });
    const store = app.get(ChatStore);
    expect(store).toBeInstanceOf(ChatStore);
    expect(store.clients.has(socket.id)).toBe(true);
  });

  test('app.port is the listening port and app.server the http server', async () => {
    const app = await start();
    expect(app.port).toBeGreaterThan(0);
    expect(app.server).toBeInstanceOf(Server);
    expect((app.server.address() as { port: number }).port).toBe(app.port);
  });
});

describe('WsClient', () => {
  test('id is random, unguessable and at least 16 characters', async () => {
    const app = await start();
    const [a, b] = [await chat(app), await chat(app)];
    expect(typeof a.id).toBe('string');
    expect(a.id.length).toBeGreaterThanOrEqual(16);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/); // README: 22 characters of base64url
    expect(a.id).not.toBe(b.id);
  });

  test('path, query (a plain object), headers and remoteAddress describe the handshake', async () => {
    const app = await start();
    const socket = await open(app, '/chat?token=good&lang=en', { headers: { 'X-Trace': 't-1' } });
    const me = (await socket.request('whoami')).payload as Record<string, unknown>;
    expect(me.path).toBe('/chat');
    expect(me.query).toEqual({ token: 'good', lang: 'en' });
    expect(me.queryIsPlain).toBe(true);
    expect(me.queryParam).toEqual({ token: 'good', lang: 'en' });
    expect(me.traceHeader).toBe('t-1');
    expect(me.traceParam).toBe('t-1');
    expect(me.hostHeader).toBe(`127.0.0.1:${app.port}`);
    expect(String(me.remoteAddress)).toMatch(/127\.0\.0\.1$/);
  });

  test('readyState is 0 during @OnConnect, 1 in handlers, 2 right after close() and 3 in @OnDisconnect', async () => {
    const app = await start();
    const store = app.get(ChatStore);
    const socket = await chat(app);
    expect(store.connectReadyState).toEqual([0]);
    expect((await socket.request('whoami')).payload).toMatchObject({ readyState: 1 });
    socket.emit('close-me');
    await socket.closed;
    await until(() => store.disconnects.length === 1);
    expect(store.readyStateAfterClose).toBe(2);
    expect(store.disconnects[0]!.readyState).toBe(3);
  });

  test('data is a per-connection bag', async () => {
    const app = await start();
    const [a, b] = [await chat(app), await chat(app)];
    expect((await a.request('count')).payload).toBe(1);
    expect((await a.request('count')).payload).toBe(2);
    expect((await b.request('count')).payload).toBe(1);
  });

  test('emit pushes without an id even while answering a request that had one', async () => {
    const app = await start();
    const socket = await chat(app);
    const reply = await socket.request('push-and-reply');
    const push = await socket.waitFor((m) => m.event === 'pushed');
    expect(push).toEqual({ event: 'pushed', payload: { n: 1 } });
    expect(reply).toEqual({ event: 'push-and-reply', payload: 'replied', id: reply.id });
  });

  test('send delivers a raw string as a text frame and a Buffer as a binary frame', async () => {
    const app = await start();
    const socket = await chat(app);
    const frames = socket.rawFrames.length;
    socket.emit('raw-send');
    await until(() => socket.rawFrames.length >= frames + 2);
    const [text, bytes] = socket.rawFrames.slice(frames);
    expect(text).toEqual({ data: Buffer.from('plain text, not an envelope'), isBinary: false });
    expect(bytes!.isBinary).toBe(true);
    expect([...bytes!.data]).toEqual([1, 2, 3]);
  });

  test('close(code, reason) closes the connection with that code and reason', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.emit('close-me');
    expect(await socket.closed).toEqual({ code: 4001, reason: 'bye now' });
  });
});

describe('wire protocol: replies', () => {
  test('a reply echoes a numeric id as a number and a string id as a string', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.send({ event: 'echo', payload: 'a', id: 7 });
    socket.send({ event: 'echo', payload: 'b', id: '7' });
    expect(await socket.waitFor((m) => m.id === 7)).toEqual({ event: 'echo', payload: 'a', id: 7 });
    expect(await socket.waitFor((m) => m.id === '7')).toEqual({ event: 'echo', payload: 'b', id: '7' });
  });

  test('a reply to a request without an id has no id field', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.emit('echo', { x: 1 });
    const reply = await socket.next('echo');
    expect(reply).toEqual({ event: 'echo', payload: { x: 1 } });
    expect(JSON.parse(socket.rawFrames[socket.rawFrames.length - 1]!.data.toString())).not.toHaveProperty('id');
  });

  test('a promise returned by a handler is awaited and its value is the reply', async () => {
    const app = await start();
    const socket = await chat(app);
    expect(await socket.request('async', 21)).toMatchObject({ event: 'async', payload: 42 });
  });

  test('undefined sends nothing, while null and false are replies', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.send({ event: 'nothing', id: 'n-1' });
    expect(await socket.request('null')).toMatchObject({ event: 'null', payload: null });
    expect(await socket.request('false')).toMatchObject({ event: 'false', payload: false });
    expect(socket.received.some((m) => m.event === 'nothing' || m.id === 'n-1')).toBe(false);
  });
});

describe('wire protocol: errors', () => {
  test.each([
    ['text that is not JSON', 'hello there'],
    ['a JSON array', '[1,2]'],
    ['a JSON number', '42'],
    ['a JSON string', '"echo"'],
    ['JSON null', 'null'],
    // Their ids are not the ones `request()` uses below (the error answers on them).
    ['an object without event', '{"payload":1,"id":"no-event"}'],
    ['an object whose event is not a string', '{"event":5,"id":"bad-event"}'],
    ['an id that is neither string nor number', '{"event":"echo","id":{"x":1}}'],
  ])('%s gets BAD_MESSAGE and the connection stays open', async (_label, text) => {
    const app = await start();
    const socket = await chat(app);
    socket.send(text);
    const error = await socket.next('error');
    expect(error.payload).toMatchObject({ code: 'BAD_MESSAGE', message: expect.any(String) });
    expect(await socket.request('echo', 'still open')).toMatchObject({ payload: 'still open' });
  });

  test('an unknown event gets UNKNOWN_EVENT naming the event, with the request id, and the connection stays open', async () => {
    const app = await start();
    const socket = await chat(app);
    const error = await socket.request('no-such-event');
    expect(error).toEqual({ event: 'error', payload: { code: 'UNKNOWN_EVENT', message: expect.any(String), event: 'no-such-event' }, id: error.id });
    expect(await socket.request('echo', 1)).toMatchObject({ payload: 1 });
  });

  test('an error to a request without an id carries no id', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.emit('no-such-event');
    const error = await socket.next('error');
    expect(error).not.toHaveProperty('id');
  });

  test('a WsException reaches the sender with its code, message, details, the event and the id', async () => {
    const app = await start();
    const socket = await chat(app);
    const error = await socket.request('fail-ws');
    expect(error).toEqual({
      event: 'error',
      payload: { code: 'TEAPOT', message: 'short and stout', event: 'fail-ws', details: { spout: true } },
      id: error.id,
    });
    expect(await socket.request('echo', 1)).toMatchObject({ payload: 1 });
  });

  test('any other error becomes INTERNAL_ERROR with no message text or stack, and the connection stays open', async () => {
    const app = await start();
    const socket = await chat(app);
    for (const event of ['fail', 'fail-async']) {
      const before = socket.rawFrames.length;
      const error = await socket.request(event);
      expect(error.payload).toMatchObject({ code: 'INTERNAL_ERROR', event });
      const text = socket.rawFrames.slice(before).map((f) => f.data.toString()).join('');
      expect(text).not.toMatch(/secret|stack|at .*\.ts/);
    }
    expect(await socket.request('echo', 1)).toMatchObject({ payload: 1 });
  });

  test('an INTERNAL_ERROR and a crashing @OnConnect are logged with the error, which the client never sees', async () => {
    const logged: Array<{ fields: unknown; message?: string }> = [];
    const record = (fields: object | string, message?: string): void => void logged.push({ fields, message });
    const logger: Logger = { debug: () => {}, info: () => {}, warn: record, error: record };
    const app = await start(AppModule, { logger });
    const socket = await chat(app);
    await socket.request('fail');
    expect(JSON.stringify(socket.received)).not.toContain('internal secret text');
    const errors = logged.map((l) => (l.fields as { err?: unknown }).err).filter((e): e is Error => e instanceof Error);
    expect(errors.map((e) => e.message)).toContain('internal secret text');
    await refusal(app, '/chat?token=crash');
    expect(logged.map((l) => (l.fields as { err?: Error }).err?.message)).toContain('connect secret');
  });

  test('@OnError sees the original error before it is mapped to the wire', async () => {
    const app = await start();
    const socket = await chat(app);
    await socket.request('fail');
    const seen = app.get(ChatStore).errors;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Error);
    expect((seen[0] as Error).message).toBe('internal secret text');
  });

  test('a controller without @OnError is not seen by another controller\'s @OnError', async () => {
    const app = await start();
    const socket = await open(app, '/feature');
    expect((await socket.request('greet', 5)).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(app.get(ChatStore).errors).toEqual([]);
  });
});

describe('raw frames', () => {
  test('a binary frame reaches @OnRawMessage with text() and bytes()', async () => {
    const app = await start();
    const socket = await open(app, '/raw');
    socket.ws.send(Buffer.from('hi!'), { binary: true });
    expect((await socket.next('raw')).payload).toEqual({ text: 'hi!', bytes: [104, 105, 33] });
  });

  test('text that is not an envelope reaches @OnRawMessage, while envelopes still reach their handlers', async () => {
    const app = await start();
    const socket = await open(app, '/raw');
    socket.send('not json');
    expect((await socket.next('raw')).payload).toMatchObject({ text: 'not json' });
    socket.send('{"no":"event"}');
    expect((await socket.next('raw')).payload).toMatchObject({ text: '{"no":"event"}' });
    expect((await socket.request('ping')).payload).toBe('pong');
  });

  test('a binary frame to a controller without @OnRawMessage gets BAD_MESSAGE', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.ws.send(Buffer.from([1, 2]), { binary: true });
    expect((await socket.next('error')).payload).toMatchObject({ code: 'BAD_MESSAGE' });
    expect(await socket.request('echo', 1)).toMatchObject({ payload: 1 });
  });

  test('a string returned by @OnRawMessage is sent back as a raw frame', async () => {
    const app = await start();
    const socket = await open(app, '/raw-reply');
    const frame = socket.nextRaw();
    socket.send('abc');
    expect((await frame).data.toString()).toBe('got abc');
  });
});

describe('prototype pollution', () => {
  test('__proto__ and constructor keys never reach a handler nor Object.prototype', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.send('{"event":"proto","id":1,"payload":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"nested":{"__proto__":{"polluted":"yes"}}}}');
    const reply = await socket.waitFor((m) => m.id === 1);
    expect(reply.payload).toEqual({ ownProto: false, ownConstructor: false, nestedOwnProto: false, polluted: null, payloadPolluted: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a top-level __proto__ key of the envelope changes nothing', async () => {
    const app = await start();
    const socket = await chat(app);
    socket.send('{"__proto__":{"event":"fail"},"event":"echo","payload":1,"id":2}');
    expect(await socket.waitFor((m) => m.id === 2)).toEqual({ event: 'echo', payload: 1, id: 2 });
    expect(({} as Record<string, unknown>).event).toBeUndefined();
  });
});

describe('connection lifecycle', () => {
  test('an unknown path gets HTTP 404 and no WebSocket', async () => {
    const app = await start();
    const refused = await refusal(app, '/nowhere');
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  test('routing is by exact path: the query string is ignored, a trailing slash is the same path, a longer path is 404', async () => {
    const app = await start();
    expect((await (await open(app, '/raw?x=1&y=2')).request('ping')).payload).toBe('pong');
    expect((await (await open(app, '/raw/')).request('ping')).payload).toBe('pong');
    expect((await refusal(app, '/raw/more')).status).toBe(404);
    expect((await refusal(app, '/ra')).status).toBe(404);
  });

  test('a pattern path such as /games/:gameId routes and gives its parameters', async () => {
    const app = await start();
    const socket = await open(app, '/games/g-7?x=1');
    expect((await socket.request('where')).payload).toEqual({ gameId: 'g-7', params: { gameId: 'g-7' }, path: '/games/g-7' });
  });

  test('several controllers on their own paths share one port', async () => {
    const app = await start();
    const raw = await open(app, '/raw');
    const feature = await open(app, '/feature');
    expect((await raw.request('ping')).payload).toBe('pong');
    expect((await feature.request('greet', 'x')).payload).toBe('hello x');
    expect((await raw.request('greet', 'x')).payload).toMatchObject({ code: 'UNKNOWN_EVENT' });
  });

  test('@OnConnect sees the query, the headers and the remote address', async () => {
    const app = await start();
    await open(app, '/chat?token=good&room=a', { headers: { 'X-Trace': 'abc' } });
    expect(app.get(ChatStore).connectSaw).toEqual([
      { query: { token: 'good', room: 'a' }, trace: 'abc', remoteAddress: expect.stringMatching(/127\.0\.0\.1$/), path: '/chat' },
    ]);
  });

  test('a WsException without status refuses with 403', async () => {
    const app = await start();
    const refused = await refusal(app, '/chat?token=forbid');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ code: 'NOPE', message: 'not you' });
  });

  test('returning false from @OnConnect refuses with 403', async () => {
    const app = await start();
    expect((await refusal(app, '/chat?token=deny')).status).toBe(403);
  });

  test('a refused connection never runs @OnDisconnect', async () => {
    const app = await start();
    await refusal(app, '/chat?token=deny');
    await refusal(app, '/chat?token=crash');
    await chat(app);
    await app.close();
    expect(app.get(ChatStore).disconnects).toHaveLength(1);
  });

  test('any other error in @OnConnect refuses with 500 and leaks nothing', async () => {
    const app = await start();
    const refused = await refusal(app, '/chat?token=crash');
    expect(refused.status).toBe(500);
    expect(JSON.stringify(refused.body)).not.toContain('secret');
  });

  test('a malformed handshake gets 400', async () => {
    const app = await start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: app.port,
        path: '/chat?token=good',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'short' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(app.get(ChatStore).connectReadyState).toEqual([]);
  });

  test('until an async @OnConnect resolves the client is not open; what it emitted arrives right after, in order', async () => {
    const app = await start();
    const ws = new WebSocket(urlOf(app.port, '/slow'));
    const socket = new TestSocket(ws);
    sockets.push(socket);
    await connectGate.entered;
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    connectGate.release();
    await new Promise((resolve) => ws.once('open', resolve));
    expect(await socket.next()).toEqual({ event: 'first', payload: 1 });
    expect(await socket.next()).toEqual({ event: 'second', payload: 2 });
    expect((await socket.request('hi')).payload).toBe('hello');
  });

  test('an @OnConnect slower than handshakeTimeoutMs refuses with 503', async () => {
    const app = await start(AppModule, { handshakeTimeoutMs: 50 });
    expect((await refusal(app, '/slow')).status).toBe(503);
  });

  test('@OnDisconnect runs once with the close code and reason the client sent', async () => {
    const app = await start();
    const store = app.get(ChatStore);
    const socket = await chat(app);
    await socket.close(4000, 'done here');
    await until(() => store.disconnects.length > 0);
    await app.close();
    expect(store.disconnects).toEqual([{ id: socket.id, code: 4000, reason: 'done here', readyState: 3 }]);
  });

  test('app.close() closes every client with 1001 and runs each @OnDisconnect once', async () => {
    const app = await start();
    const store = app.get(ChatStore);
    const [a, b] = [await chat(app), await chat(app)];
    await app.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(store.disconnects.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(store.disconnects.every((d) => d.code === 1001)).toBe(true);
  });

  test('app.close() waits for async disconnect handlers', async () => {
    const app = await start();
    disconnectLog.length = 0;
    await open(app, '/slow-bye');
    await open(app, '/slow-bye');
    await app.close();
    expect(disconnectLog).toEqual(['done 1001', 'done 1001']);
  });

  test('app.close() frees the port', async () => {
    const app = await start();
    const port = app.port;
    await chat(app);
    await app.close();
    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  test('a frame over the 1 MiB default maxPayload closes that connection with 1009, others unaffected', async () => {
    const app = await start();
    const [big, other] = [await chat(app), await chat(app)];
    const fits = 'x'.repeat(1024 * 1024 - 100);
    expect(((await big.request('echo', fits, 10_000)).payload as string).length).toBe(fits.length);
    big.send(JSON.stringify({ event: 'echo', payload: 'x'.repeat(1024 * 1024) }));
    expect((await big.closed).code).toBe(1009);
    expect(await other.request('echo', 'fine')).toMatchObject({ payload: 'fine' });
  });

  test('maxPayload can be set lower', async () => {
    const app = await start(AppModule, { maxPayload: 1024 });
    const socket = await chat(app);
    socket.emit('echo', 'x'.repeat(2000));
    expect((await socket.closed).code).toBe(1009);
  });
});

describe('validation', () => {
  test('a class-typed payload becomes an instance of the class', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('user-typing', { room: 'r', typing: false })).payload).toMatchObject({ isDto: true });
  });

  test('VALIDATION_FAILED lists each failing property with its constraints', async () => {
    const app = await start();
    const socket = await chat(app);
    const error = await socket.request('user-typing', { room: '', typing: 'yes' });
    expect(error.payload).toMatchObject({ code: 'VALIDATION_FAILED', event: 'user-typing' });
    const details = (error.payload as { details: Array<{ property: string; constraints: Record<string, string> }> }).details;
    expect(details.map((d) => d.property).sort()).toEqual(['room', 'typing']);
    expect(Object.keys(details.find((d) => d.property === 'room')!.constraints)).toContain('isLength');
    expect(Object.keys(details.find((d) => d.property === 'typing')!.constraints)).toContain('isBoolean');
    expect(JSON.stringify(error.payload)).not.toContain('"yes"'); // README: no values echoed in errors
  });

  test('nested failures are listed with their dotted path', async () => {
    const app = await start();
    const socket = await chat(app);
    const error = await socket.request('person', { name: 'ann', address: { street: 5 } });
    expect(error.payload).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ property: 'address.street', constraints: { isString: expect.any(String) } }],
    });
    const ok = await socket.request('person', { name: 'ann', address: { street: 'main' } });
    expect(ok.payload).toEqual({ name: 'ann', address: { street: 'main' } });
  });

  test('unknown properties are rejected by default', async () => {
    const app = await start();
    const socket = await chat(app);
    const error = await socket.request('user-typing', { room: 'r', typing: true, admin: true });
    expect(error.payload).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ property: 'admin' }] });
  });

  test('a missing payload fails a DTO handler with VALIDATION_FAILED', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('user-typing')).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('the validation option is handed to class-validator', async () => {
    const app = await start(AppModule, { validation: { whitelist: false, forbidNonWhitelisted: false, skipMissingProperties: true } });
    const socket = await chat(app);
    expect((await socket.request('user-typing', { room: 'r', typing: true, admin: true })).payload).toMatchObject({ ok: true });
    expect((await socket.request('user-typing', { typing: true })).payload).toMatchObject({ ok: true });
  });

  test.each([
    ['string', 'text', 5],
    ['number', 5, '5'],
    ['boolean', true, 'true'],
  ])('a %s parameter accepts its type and rejects others with VALIDATION_FAILED', async (event, good, bad) => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request(event, good)).payload).toEqual({ type: event, value: good });
    expect((await socket.request(event, bad)).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('an array parameter type is checked (README)', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('array', ['a', 'b'])).payload).toBe(2);
    expect((await socket.request('array', { 0: 'a' })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('unknown, any and object-typed payloads pass through unchanged', async () => {
    const app = await start();
    const socket = await chat(app);
    const value = { a: [1, { b: 'c' }], extra: true };
    expect((await socket.request('echo', value)).payload).toEqual(value);
    expect((await socket.request('echo', [1, 2])).payload).toEqual([1, 2]);
    expect((await socket.request('echo-any', 'str')).payload).toBe('str');
    expect((await socket.request('echo-object', value)).payload).toEqual(value);
  });

  test('@Payload(field) with a class type validates that property, naming it in the details', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('person-field', { person: { name: 'a', address: { street: 's' } } })).payload).toEqual({ isDto: true, street: 's' });
    const error = await socket.request('person-field', { person: { name: 'a', address: { street: 1 } } });
    expect(error.payload).toMatchObject({ code: 'VALIDATION_FAILED' });
    const properties = (error.payload as { details: Array<{ property: string }> }).details.map((d) => d.property);
    expect(properties).toEqual([expect.stringMatching(/(^|\.)address\.street$/)]);
  });

  test('@Payload(field) takes one property, type-checked', async () => {
    const app = await start();
    const socket = await chat(app);
    expect((await socket.request('field', { name: 'ann', age: 3 })).payload).toBe('ann');
    expect((await socket.request('field', { name: 3 })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('bootstrap options and WsApp', () => {
  test('attached to an existing HTTP server, WebSockets share its port with plain HTTP, and close() leaves it open', async () => {
    const server = createServer((_req, res) => res.end('plain http'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const app = await start(AppModule, { server, port: undefined });
    expect(app.port).toBe(port);
    expect(app.server).toBe(server);
    expect((await httpGet(port)).body).toBe('plain http');
    const socket = await chat(app);
    expect((await socket.request('echo', 1)).payload).toBe(1);
    await app.close();
    expect((await socket.closed).code).toBe(1001);
    expect(server.listening).toBe(true);
    expect((await httpGet(port)).body).toBe('plain http');
  });

  test('host chooses the interface', async () => {
    const app = await start(AppModule, { host: '127.0.0.1' });
    expect((app.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  test('providers as a class, useValue, useClass and useFactory are injected, and imports bring providers and controllers', async () => {
    const app = await start();
    const socket = await open(app, '/di');
    expect((await socket.request('di')).payload).toMatchObject({ greeting: 'hi', repo: 'memory', hi: 'hello bob' });
    const feature = await open(app, '/feature');
    expect((await feature.request('greet', 'ann')).payload).toBe('hello ann');
    expect(app.get(Greeter)).toBeInstanceOf(Greeter);
    expect(app.get(CONFIG)).toEqual({ greeting: 'hi' });
    expect(app.get(Repo)).toBeInstanceOf(MemoryRepo);
  });

  test('class, useClass and useFactory providers are singletons within an app', async () => {
    const app = await start();
    const controller = app.get(DiController);
    expect(app.get(ChatStore)).toBe(app.get(ChatStore));
    expect(controller.store).toBe(app.get(ChatStore));
    expect(app.get(Repo)).toBe(app.get(Repo));
    expect(controller.repo).toBe(app.get(Repo));
    expect(app.get(STAMP)).toBe(app.get(STAMP));
    expect(controller.stamp).toBe(app.get(STAMP));
  });

  test('a useFactory provider can resolve other providers the tsyringe way or by calling its argument', async () => {
    const VIA_CALL = 'VIA_CALL';
    const VIA_RESOLVE = 'VIA_RESOLVE';
    @Module({
      providers: [
        { provide: CONFIG, useValue: { greeting: 'yo' } },
        { provide: VIA_CALL, useFactory: (resolve) => resolve(CONFIG) },
        { provide: VIA_RESOLVE, useFactory: (c) => c.resolve(CONFIG) },
        { provide: 'REGISTERED', useFactory: (c) => c.isRegistered(CONFIG, true) },
      ],
    })
    class FactoryModule {}
    const app = await start(FactoryModule);
    expect(app.get(VIA_CALL)).toEqual({ greeting: 'yo' });
    expect(app.get(VIA_RESOLVE)).toEqual({ greeting: 'yo' });
    expect(app.get('REGISTERED')).toBe(true);
  });

  test('two apps in one process have their own containers, singletons and clients', async () => {
    const one = await start();
    const two = await start();
    expect(one.port).not.toBe(two.port);
    expect(one.get(ChatStore)).not.toBe(two.get(ChatStore));
    expect(one.get(RoomService)).not.toBe(two.get(RoomService));
    const a = await chat(one);
    const b = await chat(two);
    expect(one.get(ChatStore).clients.has(a.id)).toBe(true);
    expect(two.get(ChatStore).clients.has(a.id)).toBe(false);
    expect(await one.get(ClientService).ids()).toEqual([a.id]);
    expect(await two.get(ClientService).ids()).toEqual([b.id]);
    await one.close();
    expect(await b.request('echo', 'two still up')).toMatchObject({ payload: 'two still up' });
  });

  test('an app container is a child of the tsyringe root container', async () => {
    rootContainer.register('ROOT_ONLY', { useValue: 42 });
    const app = await start();
    expect(app.get('ROOT_ONLY')).toBe(42);
  });

  test('50 concurrent clients with interleaved requests each get their own replies', async () => {
    const app = await start();
    const clients = await Promise.all(Array.from({ length: 50 }, () => chat(app)));
    for (let round = 0; round < 3; round++) for (const [i, c] of clients.entries()) c.send({ event: 'echo', payload: `${i}-${round}`, id: round });
    await Promise.all(
      clients.map(async (c, i) => {
        for (let round = 0; round < 3; round++) expect((await c.waitFor((m) => m.id === round)).payload).toBe(`${i}-${round}`);
      }),
    );
  });
});

// ==== issue 3: rooms ==================================================================================

describe('WsClient rooms and targeting', () => {
  test('join and leave return promises of undefined, and rooms is current once they resolve', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    expect((await a.request('join', { room: 'x' })).payload).toEqual({ isPromise: true, resolvedUndefined: true, rooms: ['x'], has: true });
    expect((await a.request('join', { room: 'y' })).payload).toMatchObject({ rooms: ['x', 'y'] });
    expect((await a.request('leave', { room: 'x' })).payload).toEqual({ isPromise: true, resolvedUndefined: true, rooms: ['y'] });
    expect((await a.request('rooms')).payload).toEqual(['y']);
  });

  test('rooms is a plain Set: empty before any join, current as soon as a join by id resolves', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    const client = app.get(ClientService).get(a.id)!;
    expect(client.rooms).toEqual(new Set());
    expect(client.rooms.size).toBe(0);
    await app.get(RoomService).join(a.id, 'lobby');
    expect(client.rooms).toEqual(new Set(['lobby']));
    await app.get(RoomService).leave(a.id, 'lobby');
    expect([...client.rooms]).toEqual([]);
  });

  test('rooms is read-only: changing it by hand joins nothing', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    await a.request('join', { room: 'x' });
    expect((await a.request('tamper')).payload).toEqual(['x']);
    const client = app.get(ClientService).get(a.id)!;
    expect(client.rooms).toBeInstanceOf(Set);
    expect(client.rooms).toEqual(new Set(['x']));
    expect(await app.get(RoomService).roomsOf(a.id)).toEqual(['x']);
    expect(await app.get(RoomService).members('forged')).toEqual([]);
  });

  test('toRoom reaches the other members only, resolving once handed over', async () => {
    const app = await start(RoomsModule);
    const [a, b, c, outsider] = [await member(app), await member(app), await member(app), await member(app)];
    for (const s of [a, b, c]) await s.request('join', { room: 'r' });
    expect((await a.request('to-room', { room: 'r', text: 'hi' })).payload).toEqual({ isPromise: true, value: null });
    expect(await b.next('room-message')).toEqual({ event: 'room-message', payload: { from: a.id, text: 'hi' } });
    expect(await c.next('room-message')).toEqual({ event: 'room-message', payload: { from: a.id, text: 'hi' } });
    await nothingBefore(app, a, 'room-message');
    await nothingBefore(app, outsider, 'room-message');
  });

  test('toRoom from a client outside the room still reaches the room members', async () => {
    const app = await start(RoomsModule);
    const [a, b] = [await member(app), await member(app)];
    await b.request('join', { room: 'r' });
    await a.request('to-room', { room: 'r', text: 'knock' });
    expect((await b.next('room-message')).payload).toEqual({ from: a.id, text: 'knock' });
  });

  test('a room joined during @OnConnect is in place once the client is open', async () => {
    const app = await start(RoomsModule);
    const a = await open(app, '/rooms?room=early');
    const id = (await a.request('id')).payload as string;
    expect(await app.get(RoomService).members('early')).toEqual([id]);
    expect((await a.request('rooms')).payload).toEqual(['early']);
    await app.get(RoomService).to('early').emit('early-news', 1);
    expect(await a.next('early-news')).toEqual({ event: 'early-news', payload: 1 });
  });

  test('close() without a code closes with 1000', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    a.emit('close');
    expect((await a.closed).code).toBe(1000);
    await until(() => roomsSeen.disconnect.length > 0);
    roomsSeen.disconnect.length = 0;
  });

  test('to(clientId) reaches that client alone and resolves true; an unknown id resolves false', async () => {
    const app = await start(RoomsModule);
    const [a, b, c] = [await member(app), await member(app), await member(app)];
    expect((await a.request('to', { id: b.id, text: 'psst' })).payload).toEqual({ isPromise: true, value: true });
    expect(await b.next('direct')).toEqual({ event: 'direct', payload: { from: a.id, text: 'psst' } });
    expect((await a.request('to', { id: 'no-such-client-id-000', text: 'psst' })).payload).toEqual({ isPromise: true, value: false });
    await nothingBefore(app, c, 'direct');
    await nothingBefore(app, a, 'direct');
  });

  test('to(clientId) also reaches a client on another controller path', async () => {
    const app = await start(RoomsModule);
    const [a, other] = [await member(app), await member(app, '/other')];
    expect((await a.request('to', { id: other.id, text: 'x' })).payload).toMatchObject({ value: true });
    expect((await other.next('direct')).payload).toEqual({ from: a.id, text: 'x' });
  });

  test('broadcast reaches every client on the same path except the sender', async () => {
    const app = await start(RoomsModule);
    const [a, b, c, other] = [await member(app), await member(app), await member(app), await member(app, '/other')];
    expect((await a.request('broadcast', { text: 'all' })).payload).toEqual({ isPromise: true, value: null });
    expect((await b.next('broadcasted')).payload).toEqual({ from: a.id, text: 'all' });
    expect((await c.next('broadcasted')).payload).toEqual({ from: a.id, text: 'all' });
    await nothingBefore(app, a, 'broadcasted');
    await nothingBefore(app, other, 'broadcasted');
  });
});

describe('RoomService', () => {
  test('is one injectable singleton per app', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    expect(rooms).toBeInstanceOf(RoomService);
    expect(app.get(RoomService)).toBe(rooms);
    expect(app.get(RoomsController).rooms).toBe(rooms);
    expect(app.get(Notifier).rooms).toBe(rooms);
  });

  test('join and leave by client id change members and roomsOf, which hold only explicit rooms', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    const [a, b] = [await member(app), await member(app)];
    expect(await rooms.roomsOf(a.id)).toEqual([]);
    expect(await rooms.join(a.id, 'x')).toBeUndefined();
    await rooms.join(b.id, 'x');
    await rooms.join(a.id, 'y');
    expect((await rooms.members('x')).sort()).toEqual([a.id, b.id].sort());
    expect(await rooms.roomsOf(a.id)).toEqual(['x', 'y']);
    expect((await a.request('rooms')).payload).toEqual(['x', 'y']);
    expect(await rooms.leave(a.id, 'x')).toBeUndefined();
    expect(await rooms.members('x')).toEqual([b.id]);
    expect(await rooms.roomsOf(a.id)).toEqual(['y']);
    expect(await rooms.members(a.id)).toEqual([]);
    expect(await rooms.members('never')).toEqual([]);
  });

  test('to(room).emit reaches every member as a push without id, and resolves', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    const [a, b, c] = [await member(app), await member(app), await member(app)];
    await rooms.join(a.id, 'r');
    await rooms.join(b.id, 'r');
    const pending = rooms.to('r').emit('news', { n: 1 });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBeUndefined();
    expect(await a.next('news')).toEqual({ event: 'news', payload: { n: 1 } });
    expect(await b.next('news')).toEqual({ event: 'news', payload: { n: 1 } });
    await nothingBefore(app, c, 'news');
  });

  test('to(rooms) reaches a member of several of them once; except leaves out one id or several', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    const [a, b, c, d] = [await member(app), await member(app), await member(app), await member(app)];
    for (const [s, room] of [[a, 'r1'], [a, 'r2'], [b, 'r2'], [c, 'r1'], [d, 'r2']] as const) await rooms.join(s.id, room);
    await rooms.to(['r1', 'r2']).emit('multi', 1);
    for (const s of [a, b, c, d]) await s.next('multi');
    await nothingBefore(app, a, 'none');
    expect(a.received.filter((m) => m.event === 'multi')).toHaveLength(1);
    await rooms.to(['r1', 'r2']).except(b.id).emit('minus-one', 2);
    await rooms.to(['r1', 'r2']).except([a.id, d.id]).emit('minus-two', 3);
    for (const s of [a, c, d]) await s.next('minus-one');
    for (const s of [b, c]) await s.next('minus-two');
    await nothingBefore(app, b, 'minus-one');
    await nothingBefore(app, a, 'minus-two');
    await nothingBefore(app, d, 'minus-two');
  });

  test('two messages to one room arrive in the order they were sent', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    const [a, b] = [await member(app), await member(app)];
    await rooms.join(a.id, 'o');
    await rooms.join(b.id, 'o');
    void rooms.to('o').emit('seq', 1);
    void rooms.to('o').emit('seq', 2);
    for (const s of [a, b]) {
      expect((await s.next('seq')).payload).toBe(1);
      expect((await s.next('seq')).payload).toBe(2);
    }
  });
});

describe('ClientService', () => {
  test('is one injectable singleton per app', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    expect(clients).toBeInstanceOf(ClientService);
    expect(app.get(RoomsController).clients).toBe(clients);
    expect(app.get(Notifier).clients).toBe(clients);
  });

  test('send resolves true and delivers a push; false, not an exception, for an unknown or closed id', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    const [a, b] = [await member(app), await member(app)];
    await expect(clients.send(a.id, 'hey', { x: 1 })).resolves.toBe(true);
    expect(await a.next('hey')).toEqual({ event: 'hey', payload: { x: 1 } });
    await expect(clients.send('unknown-client-id-0000', 'hey', 1)).resolves.toBe(false);
    await b.close();
    await until(() => roomsSeen.disconnect.length > 0);
    await expect(clients.send(b.id, 'hey', 1)).resolves.toBe(false);
    roomsSeen.disconnect.length = 0;
  });

  test('sendRaw sends a raw text or binary frame', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    const a = await member(app);
    let frame = a.nextRaw();
    expect(await clients.sendRaw(a.id, 'raw words')).toBe(true);
    expect(await frame).toEqual({ data: Buffer.from('raw words'), isBinary: false });
    frame = a.nextRaw();
    await clients.sendRaw(a.id, Buffer.from([9, 8]));
    const binary = await frame;
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([9, 8]);
  });

  test('broadcast reaches everyone, or one path, minus except', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    const [a, b, other] = [await member(app), await member(app), await member(app, '/other')];
    await clients.broadcast('all', 1);
    for (const s of [a, b, other]) expect(await s.next('all')).toEqual({ event: 'all', payload: 1 });
    await clients.broadcast('path', 2, { path: '/rooms' });
    for (const s of [a, b]) await s.next('path');
    await nothingBefore(app, other, 'path');
    await clients.broadcast('except-one', 3, { except: a.id });
    await clients.broadcast('except-many', 4, { except: [a.id, other.id] });
    for (const s of [b, other]) await s.next('except-one');
    await b.next('except-many');
    await nothingBefore(app, a, 'except-one');
    await nothingBefore(app, a, 'except-many');
    await nothingBefore(app, other, 'except-many');
  });

  test('ids and count list connected clients, optionally per path', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    const [a, b, other] = [await member(app), await member(app), await member(app, '/other')];
    expect((await clients.ids()).sort()).toEqual([a.id, b.id, other.id].sort());
    expect((await clients.ids('/rooms')).sort()).toEqual([a.id, b.id].sort());
    expect(await clients.ids('/other')).toEqual([other.id]);
    expect(await clients.count()).toBe(3);
    expect(await clients.count('/rooms')).toBe(2);
    expect(await clients.count('/nowhere')).toBe(0);
  });

  test('disconnect closes a client with the code and reason and resolves true; an unknown id resolves false', async () => {
    const app = await start(RoomsModule);
    const clients = app.get(ClientService);
    const a = await member(app);
    await expect(clients.disconnect(a.id, 4002, 'kicked')).resolves.toBe(true);
    expect(await a.closed).toEqual({ code: 4002, reason: 'kicked' });
    await expect(clients.disconnect('unknown-client-id-0000')).resolves.toBe(false);
    await until(() => roomsSeen.disconnect.length > 0);
    roomsSeen.disconnect.length = 0;
  });

  test('get returns the local WsClient of an id, and undefined for an unknown one', async () => {
    const app = await start();
    const a = await chat(app);
    const client = app.get(ClientService).get(a.id);
    expect(client).toBe(app.get(ChatStore).clients.get(a.id));
    expect(client?.id).toBe(a.id);
    expect(client?.path).toBe('/chat');
    expect(app.get(ClientService).get('unknown-client-id-0000')).toBeUndefined();
  });
});

describe('slow consumers', () => {
  test('a member that stops reading is closed with 1013 once past maxBufferedBytes; the rest of the room keeps receiving', async () => {
    const app = await start(RoomsModule, { maxBufferedBytes: 128 * 1024 });
    const rooms = app.get(RoomService);
    const clients = app.get(ClientService);
    const [slow, fast] = [await member(app), await member(app)];
    await rooms.join(slow.id, 'feed');
    await rooms.join(fast.id, 'feed');
    const raw = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const chunk = 'y'.repeat(32 * 1024);
    for (let sent = 0; clients.get(slow.id)?.readyState === 1 && sent < 4000; sent++) {
      await rooms.to('feed').emit('chunk', chunk);
      if (sent % 20 === 0) {
        await fast.next('chunk');
        fast.received.length = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(clients.get(slow.id)?.readyState ?? 3).toBeGreaterThanOrEqual(2);
    await rooms.to('feed').emit('after', 1);
    expect(await fast.waitFor((m) => m.event === 'after')).toEqual({ event: 'after', payload: 1 });
    raw.resume();
    expect([1013, 1006]).toContain((await slow.closed).code);
    await until(() => clients.get(slow.id) === undefined);
    expect(await rooms.members('feed')).toEqual([fast.id]);
    roomsSeen.disconnect.length = 0;
  });

  test('clients that read are not closed by a burst larger than maxBufferedBytes sent in one go', async () => {
    const app = await start(RoomsModule, { maxBufferedBytes: 1024 });
    const rooms = app.get(RoomService);
    const [a, b] = [await member(app), await member(app)];
    await rooms.join(a.id, 'burst');
    await rooms.join(b.id, 'burst');
    const big = 'z'.repeat(10 * 1024);
    await Promise.all([1, 2, 3].map((n) => rooms.to('burst').emit('big', { n, big })));
    for (const s of [a, b]) for (const n of [1, 2, 3]) expect(((await s.next('big')).payload as { n: number }).n).toBe(n);
    expect((await a.request('id')).payload).toBe(a.id);
    expect(await app.get(ClientService).count()).toBe(2);
  });
});

describe('cleanup on close', () => {
  test('a closed client has left all its rooms before @OnDisconnect finishes, and empty rooms are deleted', async () => {
    const app = await start(RoomsModule);
    const rooms = app.get(RoomService);
    roomsSeen.disconnect.length = 0;
    const [a, b] = [await member(app), await member(app)];
    await rooms.join(a.id, 'cleanup');
    await rooms.join(a.id, 'solo');
    await rooms.join(b.id, 'cleanup');
    await a.close();
    await until(() => roomsSeen.disconnect.length === 1);
    expect(roomsSeen.disconnect[0]!.members).toEqual([b.id]);
    expect(roomsSeen.disconnect[0]!.roomsOf).toEqual([]);
    expect(await rooms.members('solo')).toEqual([]);
    expect(await rooms.roomsOf(a.id)).toEqual([]);
    expect(await app.get(ClientService).ids()).toEqual([b.id]);
    roomsSeen.disconnect.length = 0;
  });
});

describe('client-driven rooms', () => {
  test('join-room with the room at the top level replies with the room list under the same event and id', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    a.send({ event: 'join-room', room: 'x', id: 11 });
    expect(await a.waitFor((m) => m.id === 11)).toEqual({ event: 'join-room', payload: ['x'], id: 11 });
    expect(await app.get(RoomService).members('x')).toEqual([a.id]);
  });

  test('the room may come as the payload or as payload.room', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    expect(await a.request('join-room', 'p')).toMatchObject({ event: 'join-room', payload: ['p'] });
    expect(await a.request('join-room', { room: 'q' })).toMatchObject({ event: 'join-room', payload: ['p', 'q'] });
  });

  test('left-room leaves and replies with the remaining rooms', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    await a.request('join-room', 'p');
    await a.request('join-room', 'q');
    a.send({ event: 'left-room', room: 'p', id: 'l' });
    expect(await a.waitFor((m) => m.id === 'l')).toEqual({ event: 'left-room', payload: ['q'], id: 'l' });
    expect(await a.request('left-room', { room: 'q' })).toMatchObject({ event: 'left-room', payload: [] });
    expect(await app.get(RoomService).members('q')).toEqual([]);
  });

  test('the room list never holds an implicit room named after the client id', async () => {
    const app = await start(RoomsModule);
    const a = await member(app);
    const reply = await a.request('join-room', 'only');
    expect(reply.payload).toEqual(['only']);
    expect(reply.payload).not.toContain(a.id);
    expect(await app.get(RoomService).roomsOf(a.id)).toEqual(['only']);
  });

  test('a joined room receives room messages', async () => {
    const app = await start(RoomsModule);
    const [a, b] = [await member(app), await member(app)];
    await a.request('join-room', 'talk');
    await app.get(RoomService).to('talk').emit('said', 'hi');
    expect(await a.next('said')).toEqual({ event: 'said', payload: 'hi' });
    await nothingBefore(app, b, 'said');
  });

  test('it is off by default: join-room is an unknown event', async () => {
    const app = await start(RoomsModule);
    const other = await member(app, '/other');
    expect((await other.request('join-room', 'x')).payload).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'join-room' });
    expect(await app.get(RoomService).members('x')).toEqual([]);
  });

  test('a clientRooms function is asked with the client and the room; a no gets FORBIDDEN', async () => {
    const app = await start(RoomsModule);
    roomsSeen.policy.length = 0;
    const a = await member(app, '/policy');
    const denied = await a.request('join-room', 'admin-1');
    expect(denied).toEqual({ event: 'error', payload: expect.objectContaining({ code: 'FORBIDDEN', message: expect.any(String) }), id: denied.id });
    expect(await app.get(RoomService).members('admin-1')).toEqual([]);
    expect((await a.request('join-room', { room: 'lobby' })).payload).toEqual(['lobby']);
    expect(roomsSeen.policy).toEqual([
      [a.id, 'admin-1'],
      [a.id, 'lobby'],
    ]);
  });
});
