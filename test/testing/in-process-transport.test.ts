/** What makes the in-process transport behave like a real socket. */
import { ConnectedClient, Module, OnMessage, OnRawMessage, Payload, RawMessage, WebSocketController, type RawMessageData, type WsClient } from 'ws-controllers';
import { createTestingApp, type TestingApp, type TestingTransport } from 'ws-controllers/testing';

@WebSocketController('/echo')
class EchoController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  @OnMessage('emit-then-close')
  emitThenClose(@ConnectedClient() client: WsClient) {
    client.emit('last-words', 'bye');
    client.close(1000, 'done');
  }

  @OnRawMessage()
  raw(@RawMessage() message: RawMessageData, @ConnectedClient() client: WsClient) {
    client.send(message.bytes());
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe.each<TestingTransport>(['in-process', 'ws'])('%s transport', (transport) => {
  let app: TestingApp;

  afterEach(async () => {
    await app.close();
  });

  test('a message larger than maxPayload closes the connection with 1009', async () => {
    app = await createTestingApp(EchoModule, { transport, maxPayload: 64 });
    const client = await app.connect('/echo');
    client.emit('echo', 'x'.repeat(100));
    expect((await client.closed).code).toBe(1009);
  });

  test('frames sent before a server close arrive before the close', async () => {
    app = await createTestingApp(EchoModule, { transport });
    const client = await app.connect('/echo');
    client.emit('emit-then-close');
    await expect(client.closed).resolves.toEqual({ code: 1000, reason: 'done' });
    expect(client.received).toEqual([{ event: 'last-words', payload: 'bye' }]);
  });

  test('a close without a code is seen as 1005', async () => {
    app = await createTestingApp(EchoModule, { transport });
    const client = await app.connect('/echo');
    await expect(client.close()).resolves.toEqual({ code: 1005, reason: '' });
  });

  test('closing with a code that cannot be sent throws, as on a real socket', async () => {
    app = await createTestingApp(EchoModule, { transport });
    const client = await app.connect('/echo');
    expect(() => client.close(1006)).toThrow(TypeError);
    expect(client.readyState).toBe(1);
  });
});

describe('in-process delivery', () => {
  let app: TestingApp;

  beforeEach(async () => {
    app = await createTestingApp(EchoModule);
  });

  afterEach(async () => {
    await app.close();
  });

  test('runs without a port', () => {
    expect(app.transport).toBe('in-process');
    expect(app.port).toBe(0);
  });

  test('a message is delivered after emit returns, never re-entrantly', async () => {
    const client = await app.connect('/echo');
    const reply = client.request('echo', 1);
    expect(client.received).toEqual([]);
    await expect(reply).resolves.toBe(1);
  });

  test('messages arrive in the order they were sent', async () => {
    const client = await app.connect('/echo');
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => client.request('echo', n)));
    expect(replies).toEqual([1, 2, 3, 4, 5]);
    expect(client.received.map((e) => e.payload)).toEqual([1, 2, 3, 4, 5]);
  });

  test('binary frames are copied, so reusing the sent buffer changes nothing', async () => {
    const client = await app.connect('/echo');
    const bytes = new Uint8Array([1, 2, 3]);
    client.send(bytes);
    bytes[0] = 9;
    await client.request('echo', 'sync');
    expect(client.frames[0]).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });
  });

  test('connect fails once the app is closed', async () => {
    await app.close();
    await expect(app.connect('/echo')).rejects.toThrow('The testing app is closed');
  });
});

describe('transport selection', () => {
  const saved = process.env.WS_CONTROLLERS_TEST_TRANSPORT;

  afterEach(() => {
    if (saved === undefined) delete process.env.WS_CONTROLLERS_TEST_TRANSPORT;
    else process.env.WS_CONTROLLERS_TEST_TRANSPORT = saved;
  });

  test('WS_CONTROLLERS_TEST_TRANSPORT=ws switches a suite to real sockets', async () => {
    process.env.WS_CONTROLLERS_TEST_TRANSPORT = 'ws';
    const app = await createTestingApp(EchoModule);
    expect(app.transport).toBe('ws');
    expect(app.port).toBeGreaterThan(0);
    const client = await app.connect('/echo');
    await expect(client.request('echo', 'real')).resolves.toBe('real');
    await app.close();
  });

  test('an unknown transport name is a clear error', async () => {
    await expect(createTestingApp(EchoModule, { transport: 'carrier-pigeon' as never })).rejects.toThrow(/Unknown testing transport/);
  });
});
