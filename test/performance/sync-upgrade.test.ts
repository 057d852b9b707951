/**
 * An upgrade whose gates and `@OnConnect` answer synchronously is decided synchronously: no promise,
 * so the transport completes the handshake in the same tick (no microtask, no handshake timer). An
 * `@OnConnect` that returns `client.join(room)` counts as synchronous (an in-memory join returns the
 * framework's settled promise). Fails when the engine, the hub's join or the in-memory adapter goes
 * back to always-async.
 */
import { bootstrap, ConnectedClient, Module, OnConnect, RoomService, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import type { Transport, TransportEngine } from 'ws-controllers/spi';
import { InMemoryAdapter } from '../../src/adapter/in-memory-adapter';
import { SETTLED } from '../../src/util/thenable';

@WebSocketController('/join')
class JoinController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): Promise<void> {
    client.data['user'] = 'u1';
    return client.join('lobby');
  }
}

@WebSocketController('/async')
class AsyncController {
  @OnConnect()
  async connect(@ConnectedClient() client: WsClient): Promise<void> {
    await client.join('lobby');
  }
}

@WebSocketController('/many')
class ManyController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('a').then(() => client.join('b'));
  }
}

@Module({ controllers: [JoinController, AsyncController, ManyController] })
class SyncModule {}

let engine: TransportEngine;
let app: WsApp;
const transport: Transport = {
  listen: async (e) => {
    engine = e;
  },
  prepare: (text) => ({ text }),
  close: async () => undefined,
  port: 0,
  server: undefined,
};
const socket = () => ({ readyState: 1, bufferedAmount: 0, sendText: jest.fn(), sendBinary: jest.fn(), sendPrepared: jest.fn(), close: jest.fn(), terminate: jest.fn() });
const handshake = (path: string, query: Record<string, string> = {}) => ({ path, query, headers: {}, remoteAddress: '127.0.0.1' });
const guard = (ctx: { client: WsClient }): boolean => ctx.client.query['token'] === 'ok';

beforeAll(async () => {
  app = await bootstrap(SyncModule, { transport, logger: false, guards: [guard] });
});
afterAll(() => app.close());

test("a synchronous guard and an @OnConnect returning client.join(room) decide without a promise", async () => {
  const decision = engine.decide(handshake('/join', { token: 'ok' }));
  expect(decision).not.toBeInstanceOf(Promise);
  if (decision instanceof Promise || !decision.accepted) throw new Error('not accepted synchronously');
  const client = decision.connection as unknown as WsClient;
  expect([...client.rooms]).toEqual(['lobby']);
  expect(client.data['user']).toBe('u1');
  engine.open(decision.connection, socket());
  expect(await app.container.resolve(RoomService).members('lobby')).toEqual([client.id]);
  engine.closed(decision.connection, 1000, '');
});

test('a synchronous refusal is synchronous too', () => {
  const decision = engine.decide(handshake('/join', { token: 'no' }));
  expect(decision).not.toBeInstanceOf(Promise);
  expect(decision).toMatchObject({ accepted: false, status: 403, code: 'FORBIDDEN' });
});

test('an async @OnConnect is awaited: a promise, accepted once it resolved', async () => {
  const decision = engine.decide(handshake('/async', { token: 'ok' }));
  expect(decision).toBeInstanceOf(Promise);
  const result = await decision;
  expect(result.accepted).toBe(true);
  if (result.accepted) {
    expect([...(result.connection as unknown as WsClient).rooms]).toEqual(['lobby']);
    engine.abandon(result.connection);
  }
});

test('a join chained after another is a real promise, still awaited in order', async () => {
  const decision = engine.decide(handshake('/many', { token: 'ok' }));
  expect(decision).toBeInstanceOf(Promise);
  const result = await decision;
  if (!result.accepted) throw new Error('refused');
  expect([...(result.connection as unknown as WsClient).rooms]).toEqual(['a', 'b']);
  engine.abandon(result.connection);
});

test('upgrade() still answers a promise for transports that await it', async () => {
  const pending = engine.upgrade(handshake('/join', { token: 'ok' }));
  expect(pending).toBeInstanceOf(Promise);
  const result = await pending;
  expect(result.accepted).toBe(true);
  if (result.accepted) engine.abandon(result.connection);
});

test("the in-memory adapter's bookkeeping is done at once", () => {
  const adapter = new InMemoryAdapter();
  expect(adapter.clientConnected()).toBe(SETTLED);
  expect(adapter.joined()).toBe(SETTLED);
  expect(adapter.left()).toBe(SETTLED);
  expect(adapter.clientDisconnected()).toBe(SETTLED);
});
