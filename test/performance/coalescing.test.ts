/**
 * The Node transport's fast paths on the installed ws, pinned by counting: one frame built per
 * broadcast and written to every member as is, and one write per socket for a burst read in one
 * chunk. Under WS_CONTROLLERS_NO_WS_INTERNALS=1 the same tests pin the fallback (one frame and one
 * write per reply; broadcasts of one tick still leave in one write per member, since that corking needs
 * no ws internals), so a fast path that silently stops fails here either way.
 */
import WebSocket from 'ws';
import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, RoomService, WebSocketController, inject, type WsApp, type WsClient } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { serverWrites } from './support/server-writes';

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

// ---- counting ------------------------------------------------------------------------------------

const internalsOff = process.env.WS_CONTROLLERS_NO_WS_INTERNALS === '1';

interface SenderClass {
  frame(...args: unknown[]): unknown;
  prototype: { sendFrame(list: unknown, cb?: unknown): void };
}
const Sender = (WebSocket as unknown as { Sender: SenderClass }).Sender;

const isServerSide = (sender: unknown): boolean => Boolean((sender as { _socket?: { _server?: unknown } })._socket?._server);

test('the 16 replies to a burst read in one chunk leave the server in one write', async () => {
  const socket = await open('/echo');
  await socket.request('echo', 'warm-up');
  const counts = await serverWrites(async () => {
    sendInOneChunk(socket, Array.from({ length: 16 }, (_, i) => ({ event: 'echo', payload: i, id: `b${i}` })));
    await socket.waitFor((m) => m.id === 'b15');
  });
  expect([...counts.values()]).toEqual([internalsOff ? 16 : 1]);
});

test('8 broadcasts caused by one chunk reach each member in one write', async () => {
  const members = await Promise.all(Array.from({ length: 4 }, () => open('/room')));
  members[0]!.emit('publish', 'warm-up');
  await Promise.all(members.map((m) => m.waitFor((r) => r.event === 'tick' && r.payload === 'warm-up')));
  const counts = await serverWrites(async () => {
    sendInOneChunk(members[0]!, Array.from({ length: 8 }, (_, i) => ({ event: 'publish', payload: i })));
    await Promise.all(members.map((m) => m.waitFor((r) => r.event === 'tick' && r.payload === 7)));
  });
  expect(counts.size).toBe(4);
  expect([...counts.values()]).toEqual(Array(4).fill(1));
});

test('a lone message is not held back: its reply is written before the next frame arrives', async () => {
  const socket = await open('/echo');
  const counts = await serverWrites(async () => {
    await socket.request('echo', 'one');
  });
  expect([...counts.values()]).toEqual([1]);
});

test('a broadcast to 5 members is framed once and the same frame is written to each', async () => {
  const members = await Promise.all(Array.from({ length: 5 }, () => open('/room')));
  const frame = jest.spyOn(Sender, 'frame');
  const sendFrame = jest.spyOn(Sender.prototype, 'sendFrame');
  try {
    members[0]!.emit('publish', 'fan-out');
    await Promise.all(members.map((m) => m.waitFor((r) => r.event === 'tick' && r.payload === 'fan-out')));
    // Only the server's frames: its senders write to accepted sockets, and it never masks.
    const lists = sendFrame.mock.contexts.flatMap((sender, i) => (isServerSide(sender) ? [sendFrame.mock.calls[i]![0]] : []));
    const framed = frame.mock.calls.filter((call) => !(call[1] as { mask?: boolean }).mask).length;
    expect(lists).toHaveLength(5);
    if (internalsOff) {
      expect(framed).toBe(5);
      expect(new Set(lists).size).toBe(5);
    } else {
      expect(framed).toBe(1);
      expect(new Set(lists).size).toBe(1); // one array object: the bytes were built once
      expect(lists[0]).toHaveLength(1); // header and payload in one buffer: one chunk per recipient's write
    }
  } finally {
    frame.mockRestore();
    sendFrame.mockRestore();
  }
});
