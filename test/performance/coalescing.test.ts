import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, RoomService, WebSocketController, inject, type WsApp, type WsClient } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

@WebSocketController('/echo')
class EchoController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('twice')
  twice(@ConnectedClient() client: WsClient, @Payload() payload: unknown): unknown {
    client.emit('first', payload);
    return payload;
  }
}

@WebSocketController('/room')
class RoomController {
  constructor(@inject(RoomService) private readonly rooms: RoomService) {}

  @OnConnect()
  joinRoom(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('all');
  }

  @OnMessage('publish')
  publish(@Payload() payload: unknown): void {
    void this.rooms.to('all').emit('tick', payload);
  }
}

@Module({ controllers: [EchoController, RoomController] })
class PerfModule {}

let app: WsApp;
const sockets: TestSocket[] = [];

beforeEach(async () => {
  app = await bootstrap(PerfModule, testOptions);
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await app.close();
});

async function open(path: string): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  return socket;
}

// Frames sent while the client's net socket is corked leave in one TCP write, so the server reads
// them in one chunk: the case where replies are coalesced.
function sendInOneChunk(socket: TestSocket, messages: unknown[]): void {
  const raw = (socket.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  raw.cork();
  for (const message of messages) socket.send(message);
  raw.uncork();
}

test('replies to a burst of messages read in one chunk all arrive, in order', async () => {
  const socket = await open('/echo');
  const burst = Array.from({ length: 16 }, (_, i) => ({ event: 'echo', payload: { n: i }, id: i }));
  sendInOneChunk(socket, burst);
  for (let i = 0; i < 16; i++) await socket.waitFor((m) => m.id === i);
  expect(socket.received.map((m) => m.id)).toEqual(burst.map((m) => m.id));
});

test('a push and the reply written in the same tick keep their order', async () => {
  const socket = await open('/echo');
  sendInOneChunk(socket, [{ event: 'twice', payload: 1, id: 'a' }, { event: 'twice', payload: 2, id: 'b' }]);
  await socket.waitFor((m) => m.id === 'b');
  expect(socket.received.map((m) => [m.event, m.payload])).toEqual([
    ['first', 1],
    ['twice', 1],
    ['first', 2],
    ['twice', 2],
  ]);
});

test('a lone message is answered without a second message to flush it', async () => {
  const socket = await open('/echo');
  const reply = await socket.request('echo', { text: 'alone' });
  expect(reply.payload).toEqual({ text: 'alone' });
});

test('bursts on many sockets are each answered on their own socket', async () => {
  const clients = await Promise.all(Array.from({ length: 5 }, () => open('/echo')));
  clients.forEach((socket, c) => sendInOneChunk(socket, Array.from({ length: 8 }, (_, i) => ({ event: 'echo', payload: c, id: i }))));
  for (const [c, socket] of clients.entries()) {
    await socket.waitFor((m) => m.id === 7);
    expect(socket.received.map((m) => m.payload)).toEqual(Array(8).fill(c));
  }
});

test('a burst of broadcasts reaches every member once per message, in order', async () => {
  const members = await Promise.all(Array.from({ length: 4 }, () => open('/room')));
  const publisher = members[0]!;
  sendInOneChunk(publisher, Array.from({ length: 8 }, (_, i) => ({ event: 'publish', payload: i })));
  for (const member of members) {
    await member.waitFor((m) => m.event === 'tick' && m.payload === 7);
    expect(member.received.filter((m) => m.event === 'tick').map((m) => m.payload)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }
});
