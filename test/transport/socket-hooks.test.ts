/**
 * An accepted Node socket carries no listener of its own: ws's events reach the transport's shared
 * hooks through NodeSocket.emit (five `on` calls and their arrays less per connection). Over real
 * sockets: messages, pings, pongs, errors and the close still arrive; a listener someone adds still
 * gets its events; an 'error' nobody listens to does not throw. Fails when the hooks are off (the
 * listener counts) or broken (the traffic).
 */
import { bootstrap, ConnectedClient, Module, OnDisconnect, OnMessage, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import { NodeSocket } from '../../src/transport/node-socket';
import { SOCKET } from '../../src/transport/node-ws-transport';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

const disconnects: number[] = [];
let seen: NodeSocket | undefined;

@WebSocketController('/hooks')
class HooksController {
  @OnMessage('inspect')
  inspect(@ConnectedClient() client: WsClient): unknown {
    const socket = (client as unknown as { socket: NodeSocket }).socket;
    seen = socket;
    const raw = (socket as unknown as { _socket: object })._socket;
    return {
      nodeSocket: socket instanceof NodeSocket,
      listeners: ['message', 'close', 'pong', 'ping', 'error'].map((event) => socket.listenerCount(event)),
      // The budget finds the WebSocket under ws's own key: the net socket gets no key of ours.
      ownKey: Object.getOwnPropertySymbols(raw).includes(SOCKET),
      wsKeys: Object.getOwnPropertySymbols(raw).filter((key) => (raw as Record<symbol, unknown>)[key] === socket).length,
      // The transport's own upgrade leaves ws's error listener alone on the net socket (through ws: ours too).
      rawErrorListeners: (raw as { listenerCount(event: string): number }).listenerCount('error'),
    };
  }

  @OnMessage('echo')
  echo(): string {
    return 'echoed';
  }

  @OnDisconnect()
  gone(_client: WsClient, code: number): void {
    disconnects.push(code);
  }
}

@Module({ controllers: [HooksController] })
class HooksModule {}

let app: WsApp;
let client: TestSocket;

beforeEach(async () => {
  disconnects.length = 0;
  seen = undefined;
  app = await bootstrap(HooksModule, { ...testOptions, maxPingsPer10s: 3 });
  client = await connect(urlOf(app.port, '/hooks'));
});

afterEach(async () => {
  await client.close();
  await app.close();
});

test('an accepted socket has no listeners of its own, and messages still reach the handlers', async () => {
  const reply = await client.request('inspect');
  const probing = process.env.WS_CONTROLLERS_NO_WS_INTERNALS !== '1';
  expect(reply.payload).toEqual({ nodeSocket: true, listeners: [0, 0, 0, 0, 0], ownKey: !probing, wsKeys: probing ? 1 : 2, rawErrorListeners: probing ? 1 : 2 });
  expect((await client.request('echo')).payload).toBe('echoed');
});

test('pings are counted by the hook (a flood is closed with 1008) and the close reaches @OnDisconnect', async () => {
  await client.request('inspect');
  const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
  for (let i = 0; i < 5; i++) client.ws.ping();
  expect(await closed).toBe(1008);
  await new Promise<void>((resolve) => {
    const check = (): void => (disconnects.length > 0 ? resolve() : void setTimeout(check, 10));
    check();
  });
  expect(disconnects).toEqual([1008]);
});

test("a pong answers the heartbeat's ping through the hook", async () => {
  await client.request('inspect');
  const heartbeat = (app as unknown as { transport: { heartbeat: { tick(): void; size: number } } }).transport.heartbeat;
  expect(heartbeat.size).toBe(1);
  const pinged = new Promise<void>((resolve) => client.ws.once('ping', () => resolve()));
  heartbeat.tick(); // pings: the client answers with a pong (ws does it by itself)
  await pinged;
  expect((await client.request('echo')).payload).toBe('echoed'); // the pong arrived before this reply
  heartbeat.tick(); // a socket whose pong did not arrive would be terminated here
  expect((await client.request('echo')).payload).toBe('echoed');
  expect(heartbeat.size).toBe(1);
});

test('a listener added besides still gets the events, and an error nobody listens to does not throw', async () => {
  await client.request('inspect');
  const socket = seen!;
  const extra = jest.fn();
  socket.on('message', extra);
  expect((await client.request('echo')).payload).toBe('echoed');
  expect(extra).toHaveBeenCalledTimes(1);
  socket.off('message', extra);
  expect(() => socket.emit('error', new Error('a socket error nobody listens to'))).not.toThrow();
  expect((await client.request('echo')).payload).toBe('echoed');
});

test('a side socket without hooks is a plain ws socket', () => {
  const plain = new NodeSocket(null as never, undefined as never, { autoPong: true } as never);
  const heard = jest.fn();
  plain.on('message', heard);
  plain.emit('message', Buffer.from('x'), false);
  expect(heard).toHaveBeenCalledWith(Buffer.from('x'), false);
  expect(() => plain.emit('error', new Error('unheard'))).toThrow('unheard');
});
