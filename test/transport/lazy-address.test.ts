/**
 * On Node the peer's address costs a `getpeername` system call, so `client.remoteAddress` is read from
 * the socket the first time anything asks, then kept; a controller with `@OnDisconnect` has it read at
 * the upgrade (a peer that reset leaves no address to read). Counted through net.Socket's
 * `_getpeername` (behind its `remoteAddress` getter) over real sockets: fails when the address is read eagerly again, or when
 * `@OnDisconnect` after a reset loses it.
 */
import net from 'node:net';
import { bootstrap, ConnectedClient, Module, OnConnect, OnDisconnect, OnMessage, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import { RawPeer } from '../reliability/support/raw-ws';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$/;
let kept: WsClient | undefined;
const goneFrom: string[] = [];

@WebSocketController('/quiet')
class QuietController {
  @OnConnect()
  keep(@ConnectedClient() client: WsClient): void {
    kept = client;
  }

  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }

  @OnMessage('where')
  where(@ConnectedClient() client: WsClient): string {
    return client.remoteAddress;
  }
}

@WebSocketController('/watched')
class WatchedController {
  @OnDisconnect()
  gone(@ConnectedClient() client: WsClient): void {
    goneFrom.push(client.remoteAddress);
  }
}

@Module({ controllers: [QuietController, WatchedController] })
class AddressModule {}

// net.Socket's `remoteAddress` getter cannot be redefined; the method behind it (and behind remotePort)
// is where the system call happens.
type Peername = { _getpeername(): unknown };
let reads = 0;
let spy: jest.SpyInstance | undefined;
let app: WsApp;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  const proto = net.Socket.prototype as unknown as Peername;
  const original = proto._getpeername;
  spy = jest.spyOn(proto, '_getpeername').mockImplementation(function (this: Peername) {
    reads++;
    return original.call(this);
  });
  app = await bootstrap(AddressModule, testOptions);
});

afterAll(async () => {
  spy?.mockRestore();
  await app?.close();
});

beforeEach(() => {
  reads = 0;
  goneFrom.length = 0;
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

async function open(path: string): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  return socket;
}

test('upgrades and messages that never ask for the address never read it; the first ask reads it once', async () => {
  const clients = await Promise.all(Array.from({ length: 5 }, () => open('/quiet')));
  for (const client of clients) expect((await client.request('ping')).payload).toBe('pong');
  expect(reads).toBe(0);
  const first = await clients[0]!.request('where');
  expect(first.payload).toMatch(LOOPBACK);
  expect(reads).toBe(1);
  expect((await clients[0]!.request('where')).payload).toBe(first.payload); // kept, not read again
  expect(reads).toBe(1);
});

test('a controller with @OnDisconnect has it at the upgrade, so a peer that reset still has its address there', async () => {
  const peer = await RawPeer.open(app.port);
  expect((await peer.upgrade('/watched')).status).toBe(101);
  expect(reads).toBe(1);
  peer.socket.resetAndDestroy();
  await new Promise<void>((resolve) => {
    const check = (): void => (goneFrom.length > 0 ? resolve() : void setTimeout(check, 5));
    check();
  });
  expect(goneFrom).toHaveLength(1);
  expect(goneFrom[0]).toMatch(LOOPBACK);
});

test('read for the first time after the close, it is empty', async () => {
  const client = await open('/quiet');
  expect((await client.request('ping')).payload).toBe('pong');
  const record = kept!;
  await client.close();
  await new Promise<void>((resolve) => {
    const check = (): void => (record.readyState === 3 ? resolve() : void setTimeout(check, 5));
    check();
  });
  expect(record.remoteAddress).toBe('');
  expect(reads).toBeLessThanOrEqual(1); // at most the one attempt at the close, on a socket already gone
});
