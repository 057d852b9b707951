import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

@WebSocketController('/lazy')
class LazyController {
  @OnConnect()
  greet(@ConnectedClient() client: WsClient): void {
    // Sent before the socket exists: queued, then flushed after the handshake.
    client.emit('hello', 1);
    client.emit('hello', 2);
  }

  @OnMessage('remember')
  remember(@ConnectedClient() client: WsClient, @Payload() value: string): unknown {
    client.data.value = value;
    return client.data;
  }

  @OnMessage('recall')
  recall(@ConnectedClient() client: WsClient): unknown {
    return client.data.value ?? null;
  }

  @OnMessage('rooms')
  async rooms(@ConnectedClient() client: WsClient, @Payload() action: string): Promise<unknown> {
    const before = client.rooms instanceof Set && client.rooms.size;
    if (action === 'join') await client.join('r1');
    if (action === 'leave') await client.leave('r1');
    return { before, after: [...client.rooms] };
  }
}

@Module({ controllers: [LazyController] })
class LazyModule {}

let app: WsApp;
let socket: TestSocket;

beforeEach(async () => {
  app = await bootstrap(LazyModule, testOptions);
  socket = await connect(urlOf(app.port, '/lazy'));
});

afterEach(async () => {
  await socket.close();
  await app.close();
});

test('frames emitted during @OnConnect arrive after the handshake, in order', async () => {
  expect((await socket.next('hello')).payload).toBe(1);
  expect((await socket.next('hello')).payload).toBe(2);
});

test('client.data starts empty and keeps what a handler stores', async () => {
  expect((await socket.request('recall')).payload).toBeNull();
  expect((await socket.request('remember', 'x')).payload).toEqual({ value: 'x' });
  expect((await socket.request('recall')).payload).toBe('x');
});

test('client.rooms is an empty Set before any join and follows joins and leaves', async () => {
  expect((await socket.request('rooms', 'none')).payload).toEqual({ before: 0, after: [] });
  expect((await socket.request('rooms', 'join')).payload).toEqual({ before: 0, after: ['r1'] });
  expect((await socket.request('rooms', 'leave')).payload).toEqual({ before: 1, after: [] });
});
