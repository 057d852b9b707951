/** The testing kit's contract, run in-process and over a real port: both must behave the same. */
import { createTestingApp, ErrorReply, type TestingApp, type TestingTransport } from 'ws-controllers/testing';
import { DisconnectLog, GREETING, KitModule, UserStore } from './kit-app';

describe.each<TestingTransport>(['in-process', 'ws'])('createTestingApp with the %s transport', (transport) => {
  let app: TestingApp;

  beforeEach(async () => {
    app = await createTestingApp(KitModule, { transport });
  });

  afterEach(async () => {
    await app.close();
  });

  test('a client connects, gets its server-side id and what @OnConnect emitted', async () => {
    const client = await app.connect('/kit', { query: { token: 'good' } });
    expect(client.id).toMatch(/^[\w-]{10,}$/);
    expect(await client.next('welcome')).toEqual({ event: 'welcome', payload: { greeting: 'hello', user: 'alice' } });
  });

  test('a query string in the path is passed to the handshake', async () => {
    const client = await app.connect('/kit?token=good');
    expect((await client.next('welcome')).payload).toMatchObject({ user: 'alice' });
  });

  test('connect rejects with the status and code when @OnConnect throws a WsException', async () => {
    await expect(app.connect('/kit', { query: { token: 'bad' } })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
      message: 'bad token',
    });
  });

  test('connect rejects with 403 FORBIDDEN when @OnConnect returns false', async () => {
    await expect(app.connect('/kit?token=nope')).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  test('connect rejects with 404 for a path no controller serves', async () => {
    await expect(app.connect('/nowhere')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test('request resolves with the reply payload of a validated handler', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ text: 'hi', user: 'alice' });
  });

  test('request rejects with code, message and details on a validation error', async () => {
    const client = await app.connect('/kit?token=good');
    const error = (await client.request('say', { text: '' }).catch((e: unknown) => e)) as ErrorReply;
    expect(error).toBeInstanceOf(ErrorReply);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toEqual(expect.any(String));
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ property: 'text' })]));
  });

  test('request rejects with the WsException a handler threw', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.request('refuse')).rejects.toMatchObject({ code: 'NOPE', message: 'not today', details: { why: 'because' } });
  });

  test('request rejects with UNKNOWN_EVENT for an event nobody handles', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.request('nothing-here')).rejects.toMatchObject({ code: 'UNKNOWN_EVENT' });
  });

  test('request times out with a clear message when no reply comes', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.request('shout', { room: 'r', text: 'x' }, { timeoutMs: 50 })).rejects.toThrow(/Timed out after 50 ms waiting for a reply to 'shout'/);
  });

  test('next returns pushes in order and received keeps everything', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.request('push-three')).resolves.toBe('done');
    expect((await client.next('n')).payload).toBe(1);
    expect((await client.next('n')).payload).toBe(2);
    expect((await client.next('n')).payload).toBe(3);
    expect(client.received.map((e) => e.event)).toEqual(['welcome', 'n', 'n', 'n', 'push-three']);
  });

  test('next of one event leaves the other envelopes for later calls', async () => {
    const client = await app.connect('/kit?token=good');
    client.emit('push-three');
    expect((await client.next('push-three')).payload).toBe('done');
    expect((await client.next()).event).toBe('welcome');
    expect((await client.next()).payload).toBe(1);
  });

  test('a pending next does not take the reply of a request', async () => {
    const client = await app.connect('/kit?token=good');
    await client.next('welcome');
    const next = client.next();
    await expect(client.request('push-three')).resolves.toBe('done');
    expect((await next).event).toBe('n');
  });

  test('rooms fan out between clients of the same app', async () => {
    const alice = await app.connect('/kit?token=good');
    const bob = await app.connect('/kit?token=good');
    await expect(bob.request('join-room', { room: 'lobby' })).resolves.toEqual(['lobby']);
    alice.emit('shout', { room: 'lobby', text: 'hey' });
    expect((await bob.next('shout')).payload).toEqual({ text: 'hey' });
  });

  test('a client close runs @OnDisconnect with its code and reason', async () => {
    const client = await app.connect('/kit?token=good');
    await expect(client.close(4000, 'bye')).resolves.toEqual({ code: 4000, reason: 'bye' });
    await app.close();
    expect(app.get(DisconnectLog).entries).toEqual([{ user: 'alice', code: 4000, reason: 'bye' }]);
  });

  test('closed resolves with the code and reason the server closed with', async () => {
    const client = await app.connect('/kit?token=good');
    client.emit('kick');
    await expect(client.closed).resolves.toEqual({ code: 4001, reason: 'kicked' });
  });

  test('closing the app closes its clients with 1001', async () => {
    const client = await app.connect('/kit?token=good');
    await app.close();
    expect((await client.closed).code).toBe(1001);
  });

  test('a next still waiting when the connection closes rejects at once', async () => {
    const client = await app.connect('/kit?token=good');
    const waiting = client.next('never');
    client.emit('kick');
    await expect(waiting).rejects.toThrow(/closed \(4001 kicked\) before the next 'never'/);
  });

  test('emitting on a closed client throws', async () => {
    const client = await app.connect('/kit?token=good');
    await client.close();
    expect(() => client.emit('say', { text: 'late' })).toThrow('The test client is not open');
  });

  test('a request on a closed client rejects instead of throwing', async () => {
    const client = await app.connect('/kit?token=good');
    await client.close();
    await expect(client.request('say', { text: 'late' })).rejects.toThrow('The test client is not open');
  });

  test('raw text and binary frames reach @OnRawMessage and come back as frames', async () => {
    const client = await app.connect('/kit?token=good');
    client.send('plain text');
    client.send(new Uint8Array([1, 2, 3]));
    await client.request('push-three');
    const frames = client.frames.filter((f) => f.data === 'raw:plain text' || f.isBinary);
    expect(frames).toEqual([
      { data: 'raw:plain text', isBinary: false },
      { data: Buffer.from([1, 2, 3]), isBinary: true },
    ]);
  });

  test('get resolves the module providers', async () => {
    expect(app.get(UserStore)).toBeInstanceOf(UserStore);
    expect(app.get<string>(GREETING)).toBe('hello');
  });
});

describe.each<TestingTransport>(['in-process', 'ws'])('provider overrides with the %s transport', (transport) => {
  test('useValue replaces a module provider in the controllers', async () => {
    const app = await createTestingApp(KitModule, { transport, providers: [{ provide: GREETING, useValue: 'bonjour' }] });
    const client = await app.connect('/kit?token=good');
    expect((await client.next('welcome')).payload).toEqual({ greeting: 'bonjour', user: 'alice' });
    await app.close();
  });

  test('useClass replaces a class provider, and get returns the replacement', async () => {
    class EveryoneIsBob extends UserStore {
      override userFor(): string {
        return 'bob';
      }
    }
    const app = await createTestingApp(KitModule, { transport, providers: [{ provide: UserStore, useClass: EveryoneIsBob }] });
    const client = await app.connect('/kit?token=anything');
    expect((await client.next('welcome')).payload).toMatchObject({ user: 'bob' });
    expect(app.get(UserStore)).toBeInstanceOf(EveryoneIsBob);
    await app.close();
  });

  test('useFactory replaces a provider and can resolve others', async () => {
    const app = await createTestingApp(KitModule, {
      transport,
      providers: [{ provide: GREETING, useFactory: (resolve) => `hi ${resolve(UserStore).userFor('good')}` }],
    });
    const client = await app.connect('/kit?token=good');
    expect((await client.next('welcome')).payload).toMatchObject({ greeting: 'hi alice' });
    await app.close();
  });
});
