/**
 * The `upgrade` fast path: on Node a plain handshake (no subprotocol, no extension to negotiate) is
 * completed by the transport itself, checked once, with one 101 write and ws's own `setSocket`. Over
 * real sockets: ws's `handleUpgrade` is not called for it (fails when the fast path silently turns
 * off), the 101 is exactly RFC 6455's, a frame sent in the same packet as the request is handled, and
 * what needs negotiating (a subprotocol, permessage-deflate) still goes through ws and is negotiated.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import { frame, RawPeer } from '../reliability/support/raw-ws';
import { testOptions } from '../support/quiet';
import { connect, TestSocket, urlOf } from '../support/ws-test-client';

@WebSocketController('/plain')
class PlainController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('plain');
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
}

@Module({ controllers: [PlainController] })
class PlainModule {}

// Under WS_CONTROLLERS_NO_WS_INTERNALS=1 (a CI pass) every handshake goes through ws: pinned too.
const own = process.env.WS_CONTROLLERS_NO_WS_INTERNALS !== '1';
const viaWs = own ? 0 : 1;

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = createHash('sha1').update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

async function nextFrame(peer: RawPeer): Promise<{ opcode: number; payload: Buffer }> {
  for (;;) {
    const taken = peer.takeFrame();
    if (taken) return taken;
    await once(peer.socket, 'data');
  }
}

describe.each([
  ['without compression', false],
  ['with permessage-deflate configured', true],
] as const)('a Node app %s', (_name, deflate) => {
  let app: WsApp;
  let handleUpgrade: jest.SpyInstance;
  const sockets: TestSocket[] = [];
  const peers: RawPeer[] = [];

  beforeAll(async () => {
    app = await bootstrap(PlainModule, { ...testOptions, perMessageDeflate: deflate });
  });
  beforeEach(() => {
    handleUpgrade = jest.spyOn(WebSocketServer.prototype, 'handleUpgrade');
  });
  afterEach(async () => {
    handleUpgrade.mockRestore();
    for (const peer of peers.splice(0)) peer.destroy();
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(() => app.close({ timeoutMs: 1000 }));

  const open = async (options: WebSocket.ClientOptions, protocols?: string[]): Promise<TestSocket> => {
    const socket = protocols === undefined ? await connect(urlOf(app.port, '/plain'), options) : await connectWith(urlOf(app.port, '/plain'), protocols, options);
    sockets.push(socket);
    return socket;
  };

  test('a plain handshake is completed without ws re-checking it, and the client works', async () => {
    const socket = await open({ perMessageDeflate: false });
    expect(handleUpgrade).toHaveBeenCalledTimes(viaWs);
    expect((app as unknown as { transport: { fastPaths: { upgrade?: boolean } } }).transport.fastPaths.upgrade).toBe(own);
    expect((await socket.request('echo', { n: 1 })).payload).toEqual({ n: 1 });
    expect(socket.ws.protocol).toBe('');
    expect(socket.ws.extensions).toBe('');
  });

  test("the 101 is RFC 6455's, and a frame in the request's packet is handled", async () => {
    const peer = await RawPeer.open(app.port);
    peers.push(peer);
    peer.socket.cork();
    const head = peer.request(['GET /plain HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13']);
    peer.socket.write(frame({ opcode: 1, payload: Buffer.from('{"event":"echo","payload":"early","id":1}') }));
    peer.socket.uncork();
    const response = await head;
    expect(response.status).toBe(101);
    expect(response.headers).toBe(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}`);
    const reply = await nextFrame(peer);
    expect(JSON.parse(reply.payload.toString())).toMatchObject({ payload: 'early', id: 1 });
    expect(handleUpgrade).toHaveBeenCalledTimes(viaWs);
  });

  test('a subprotocol offer goes through ws, which picks the first', async () => {
    const socket = await open({ perMessageDeflate: false }, ['chat.v2', 'chat.v1']);
    expect(handleUpgrade).toHaveBeenCalledTimes(1);
    expect(socket.ws.protocol).toBe('chat.v2');
    expect((await socket.request('echo', 'sub')).payload).toBe('sub');
  });

  test(deflate ? 'a permessage-deflate offer goes through ws and is negotiated' : 'a permessage-deflate offer is ignored, as ws does', async () => {
    const socket = await open({ perMessageDeflate: true });
    expect(handleUpgrade).toHaveBeenCalledTimes(deflate ? 1 : viaWs);
    expect(socket.ws.extensions).toBe(deflate ? 'permessage-deflate' : '');
    expect((await socket.request('echo', 'x'.repeat(2000))).payload).toBe('x'.repeat(2000));
  });

  test('a malformed key is still refused before anything runs', async () => {
    const peer = await RawPeer.open(app.port);
    peers.push(peer);
    const response = await peer.request(['GET /plain HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: short', 'Sec-WebSocket-Version: 13']);
    expect(response.status).toBe(400);
    expect(handleUpgrade).not.toHaveBeenCalled();
  });
});

/** `connect` with subprotocols (the shared helper takes options only). */
function connectWith(url: string, protocols: string[], options: WebSocket.ClientOptions): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    const socket = new TestSocket(ws);
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
  });
}
