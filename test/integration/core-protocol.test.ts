import { bootstrap, type WsApp } from 'ws-controllers';
import { ChatModule, ChatStore } from '../fixtures/chat-app';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Refusal, type TestSocket } from '../support/ws-test-client';

let app: WsApp;
const sockets: TestSocket[] = [];

beforeEach(async () => {
  app = await bootstrap(ChatModule, testOptions);
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await app.close();
});

async function open(query = '?token=good', path = '/chat'): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path + query));
  sockets.push(socket);
  return socket;
}

async function refusalOf(url: string): Promise<Refusal> {
  try {
    const s = await connect(url);
    sockets.push(s);
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected the handshake to be refused');
}

describe('handshake', () => {
  test('a connect handler that throws a WsException refuses the handshake with its status and code', async () => {
    const refusal = await refusalOf(urlOf(app.port, '/chat?token=bad'));
    expect(refusal.status).toBe(401);
    expect(refusal.body).toEqual({ code: 'UNAUTHORIZED', message: 'bad token' });
  });

  test('a connect handler that returns false refuses with 403', async () => {
    const refusal = await refusalOf(urlOf(app.port, '/chat?token=no'));
    expect(refusal.status).toBe(403);
    expect(refusal.body.code).toBe('FORBIDDEN');
  });

  test('a connect handler that crashes refuses with 500 and leaks nothing', async () => {
    const refusal = await refusalOf(urlOf(app.port, '/chat?token=crash'));
    expect(refusal.status).toBe(500);
    expect(JSON.stringify(refusal.body)).not.toContain('secret');
  });

  test('an unknown path gets HTTP 404 and no WebSocket', async () => {
    const refusal = await refusalOf(urlOf(app.port, '/nowhere'));
    expect(refusal.status).toBe(404);
  });

  test('the connect handler sees the query and headers, and what it emits arrives right after the handshake', async () => {
    const socket = await connect(urlOf(app.port, '/chat?token=slow&x=1'), { headers: { 'x-trace': 'abc' } });
    sockets.push(socket);
    const welcome = await socket.next('welcome');
    expect(welcome.payload).toMatchObject({ trace: 'abc', query: { token: 'slow', x: '1' } });
    expect(welcome.id).toBeUndefined();
  });

  test('routing ignores the query string and several controllers share one port', async () => {
    const chat = await open('?token=good');
    const strict = await open('?anything=1', '/strict');
    expect((await chat.request('echo', 1)).payload).toBe(1);
    expect((await strict.request('ping')).payload).toBe('pong');
  });
});

describe('replies', () => {
  test('a returned value is sent back with the same event and the request id', async () => {
    const socket = await open();
    socket.send({ event: 'echo', payload: { a: 1 }, id: 'req-1' });
    expect(await socket.next('echo')).toEqual({ event: 'echo', payload: { a: 1 }, id: 'req-1' });
  });

  test('a reply to a request without an id carries no id', async () => {
    const socket = await open();
    socket.emit('echo', 'hi');
    expect(await socket.next('echo')).toEqual({ event: 'echo', payload: 'hi' });
  });

  test('numeric ids are echoed as numbers and async handlers reply too', async () => {
    const socket = await open();
    socket.send({ event: 'async-echo', payload: [1, 2], id: 7 });
    expect(await socket.next('async-echo')).toEqual({ event: 'async-echo', payload: [1, 2], id: 7 });
  });

  test('a handler returning undefined sends nothing', async () => {
    const socket = await open();
    socket.send({ event: 'silent', id: 1 });
    expect((await socket.request('echo', 'after')).payload).toBe('after');
    expect(socket.received.some((m) => m.event === 'silent')).toBe(false);
  });

  test('the connected client has an unguessable id, its path, data and an open readyState', async () => {
    const socket = await open();
    const { payload } = await socket.request('whoami');
    const me = payload as { id: string; user: string; path: string; readyState: number };
    expect(me.id.length).toBeGreaterThanOrEqual(16);
    expect(me.user).toMatch(/^user-/);
    expect(me.path).toBe('/chat');
    expect(me.readyState).toBe(1);
  });
});

describe('errors', () => {
  test('text that is not JSON gets BAD_MESSAGE on a controller without a raw handler, and the connection stays open', async () => {
    const socket = await open('', '/strict');
    socket.send('not json');
    const error = await socket.next('error');
    expect(error.payload).toMatchObject({ code: 'BAD_MESSAGE' });
    expect((await socket.request('ping')).payload).toBe('pong');
  });

  test('JSON that is not an object, or has no string event, gets BAD_MESSAGE', async () => {
    const socket = await open('', '/strict');
    for (const bad of ['[1,2]', '42', '{"payload":1}', '{"event":5}', 'null']) {
      socket.send(bad);
      expect((await socket.next('error')).payload).toMatchObject({ code: 'BAD_MESSAGE' });
    }
  });

  test('an unknown event gets UNKNOWN_EVENT with the event and the request id', async () => {
    const socket = await open();
    const reply = await socket.request('nope');
    expect(reply.event).toBe('error');
    expect(reply.payload).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'nope' });
  });

  test('a WsException reaches the client with its code, message and details', async () => {
    const socket = await open();
    const reply = await socket.request('refuse');
    expect(reply.payload).toEqual({ code: 'NOPE', message: 'not today', event: 'refuse', details: { why: 'because' } });
  });

  test('any other error becomes INTERNAL_ERROR without its message, and @OnError saw it first', async () => {
    const socket = await open();
    const sync = await socket.request('crash');
    const asyncReply = await socket.request('async-crash');
    for (const reply of [sync, asyncReply]) {
      expect(reply.payload).toMatchObject({ code: 'INTERNAL_ERROR' });
      expect(JSON.stringify(reply)).not.toContain('secret');
    }
    const seen = app.get(ChatStore).errors.map((e) => (e as Error).message);
    expect(seen).toEqual(expect.arrayContaining(['secret stack detail', 'async secret']));
    expect((await socket.request('echo', 'still open')).payload).toBe('still open');
  });
});

describe('validation', () => {
  test('a DTO payload is transformed into an instance of the class', async () => {
    const socket = await open();
    const reply = await socket.request('user-typing', { room: 'a', typing: true });
    expect(reply.payload).toEqual({ ok: true, room: 'a', isDto: true });
  });

  test('a failing DTO gets VALIDATION_FAILED listing each property and its constraints', async () => {
    const socket = await open();
    const reply = await socket.request('user-typing', { room: '', typing: 'yes' });
    expect(reply.payload).toMatchObject({ code: 'VALIDATION_FAILED', event: 'user-typing' });
    const details = (reply.payload as { details: Array<{ property: string; constraints: object }> }).details;
    expect(details.map((d) => d.property).sort()).toEqual(['room', 'typing']);
    expect(Object.keys(details.find((d) => d.property === 'room')!.constraints)).toContain('isLength');
  });

  test('unknown properties are rejected by default', async () => {
    const socket = await open();
    const reply = await socket.request('user-typing', { room: 'a', typing: true, admin: true });
    const details = (reply.payload as { details: Array<{ property: string; constraints: object }> }).details;
    expect(details).toEqual([{ property: 'admin', constraints: { whitelistValidation: expect.any(String) } }]);
  });

  test('nested DTO failures are reported with their dotted path', async () => {
    const socket = await open();
    const reply = await socket.request('profile', { name: 'x', address: { street: 42 } });
    const details = (reply.payload as { details: Array<{ property: string }> }).details;
    expect(details.map((d) => d.property)).toEqual(['address.street']);
    expect((await socket.request('profile', { name: 'x', address: { street: 'Main' } })).payload).toEqual({ street: 'Main' });
  });

  test('a missing or non-object payload fails a DTO handler', async () => {
    const socket = await open();
    for (const payload of [undefined, 'text', [1]]) {
      expect((await socket.request('user-typing', payload)).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  test('primitive parameter types are checked and @Payload(field) takes one property', async () => {
    const socket = await open();
    expect((await socket.request('count', 41)).payload).toBe(42);
    expect((await socket.request('count', '41')).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await socket.request('room-name', { room: 'abc' })).payload).toBe('ABC');
    expect((await socket.request('room-name', { room: 5 })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('unknown and object-typed payloads pass through unchanged', async () => {
    const socket = await open();
    const value = { deep: { list: [1, 'two', null] } };
    expect((await socket.request('echo', value)).payload).toEqual(value);
  });
});

describe('prototype pollution', () => {
  test('__proto__ and constructor keys never reach handlers or Object.prototype', async () => {
    const socket = await open();
    socket.send('{"event":"echo","payload":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1},"id":1}');
    const reply = await socket.next('echo');
    expect(reply.payload).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a __proto__ query parameter does not change the query object prototype', async () => {
    const socket = await open('?token=good&__proto__=x');
    const welcome = await socket.next('welcome');
    expect(Object.getPrototypeOf(welcome.payload)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('raw frames', () => {
  test('binary frames and non-envelope text reach @OnRawMessage', async () => {
    const socket = await open();
    socket.ws.send(Buffer.from([1, 2, 3]));
    expect((await socket.next('raw')).payload).toEqual({ text: '\u0001\u0002\u0003', bytes: 3, binary: true });
    socket.send('plain text');
    expect((await socket.next('raw')).payload).toEqual({ text: 'plain text', bytes: 10, binary: false });
  });

  test('a binary frame on a controller without a raw handler gets BAD_MESSAGE', async () => {
    const socket = await open('', '/strict');
    socket.ws.send(Buffer.from([9]));
    expect((await socket.next('error')).payload).toMatchObject({ code: 'BAD_MESSAGE' });
  });
});

describe('closing', () => {
  test('@OnDisconnect runs once with the close code and reason', async () => {
    const socket = await open();
    const { payload } = await socket.request('whoami');
    await socket.close(4100, 'see you');
    const store = app.get(ChatStore);
    await waitUntil(() => store.disconnects.length === 1);
    expect(store.disconnects[0]).toMatchObject({ id: (payload as { id: string }).id, code: 4100, reason: 'see you' });
  });

  test('a handler can close its client with a code and reason', async () => {
    const socket = await open();
    socket.emit('close-me');
    expect(await socket.closed).toEqual({ code: 4000, reason: 'asked to' });
  });

  test('a frame over maxPayload closes that connection with 1009 and no other', async () => {
    await app.close();
    app = await bootstrap(ChatModule, { ...testOptions, maxPayload: 1024 });
    const big = await open();
    const other = await open();
    big.emit('echo', 'x'.repeat(2048));
    expect((await big.closed).code).toBe(1009);
    expect((await other.request('echo', 'fine')).payload).toBe('fine');
  });

  test('app.close() closes every client with 1001 and waits for disconnect handlers', async () => {
    const a = await open();
    const b = await open();
    const store = app.get(ChatStore);
    await app.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(store.disconnects.map((d) => d.code)).toEqual([1001, 1001]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
