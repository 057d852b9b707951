import { injectable } from 'tsyringe';
import {
  ConnectedClient,
  Inject,
  Module,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  WebSocketController,
  scopedContainer,
  type WsClient,
} from 'ws-controllers';
import { open, refusal, start, until } from './harness';

const disposed: number[] = [];
let created = 0;

/** An app-wide singleton. */
@injectable()
class Counter {
  total = 0;
}

/** One per connection: a cart, with a singleton dependency. */
@injectable()
class Cart {
  readonly serial = ++created;
  readonly items: string[] = [];
  constructor(readonly counter: Counter) {}
  dispose(): void {
    disposed.push(this.serial);
  }
}

const SESSION = Symbol('session');

@injectable()
class Session {
  constructor(readonly cart: Cart) {}
}

@injectable()
@WebSocketController('/cart')
class CartController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): void {
    // Guards and connect handlers reach the scope programmatically.
    scopedContainer(client).resolve(Cart).items.push('welcome-gift');
  }

  @OnMessage('add')
  add(@Payload() item: string, @Inject(Cart) cart: Cart, @Inject(Counter) counter: Counter): unknown {
    cart.items.push(item);
    counter.total++;
    return { serial: cart.serial, items: cart.items, total: counter.total };
  }

  @OnMessage('session')
  session(@Inject(SESSION) session: Session): number {
    return session.cart.serial;
  }

  @OnDisconnect()
  bye(@Inject(Cart) cart: Cart): void {
    // Still usable here: disposal comes after the disconnect handler.
    cart.items.push('bye');
  }
}

@injectable()
@WebSocketController('/plain-cart')
class NoDisconnectController {
  @OnMessage('serial')
  serial(@Inject(Cart) cart: Cart): number {
    return cart.serial;
  }
}

@injectable()
@WebSocketController('/picky')
class RefusingController {
  @OnConnect()
  connect(@Inject(Cart) cart: Cart): boolean {
    // Opens a scope, then refuses the upgrade.
    return cart.items.length > 0;
  }
}

@Module({
  controllers: [CartController, NoDisconnectController, RefusingController],
  providers: [Counter, { provide: Cart, useClass: Cart, scope: 'connection' }, { provide: SESSION, useClass: Session, scope: 'connection' }],
})
class CartModule {}

beforeEach(() => {
  disposed.length = 0;
  created = 0;
});

test('a connection-scoped provider is one instance per connection, shared by its handlers', async () => {
  const app = await start(CartModule);
  const first = await open(app, '/cart');
  const second = await open(app, '/cart');
  expect((await first.request('add', 'apple')).payload).toEqual({ serial: 1, items: ['welcome-gift', 'apple'], total: 1 });
  expect((await second.request('add', 'pear')).payload).toEqual({ serial: 2, items: ['welcome-gift', 'pear'], total: 2 });
  expect((await first.request('add', 'plum')).payload).toEqual({ serial: 1, items: ['welcome-gift', 'apple', 'plum'], total: 3 });
});

test('connection-scoped providers injected into each other share the connection instance', async () => {
  const app = await start(CartModule);
  const socket = await open(app, '/cart');
  const { payload } = await socket.request('add', 'x');
  expect((await socket.request('session')).payload).toBe((payload as { serial: number }).serial);
});

test('singletons stay singletons', async () => {
  const app = await start(CartModule);
  const socket = await open(app, '/cart');
  await socket.request('add', 'x');
  expect(app.get(Counter).total).toBe(1);
});

test('the scope is disposed after the disconnect handler', async () => {
  const app = await start(CartModule);
  const socket = await open(app, '/cart');
  await socket.request('add', 'x');
  await socket.close();
  await until(() => disposed.length === 1);
  expect(disposed).toEqual([1]);
});

test('the scope of a controller without a disconnect handler is disposed when the connection closes', async () => {
  const app = await start(CartModule);
  const socket = await open(app, '/plain-cart');
  expect((await socket.request('serial')).payload).toBe(1);
  await socket.close();
  await until(() => disposed.length === 1);
});

test('a scope opened during a refused upgrade is disposed', async () => {
  const app = await start(CartModule);
  expect((await refusal(app, '/picky')).status).toBe(403);
  await until(() => disposed.length === 1);
});

test('resolving a connection-scoped provider outside a connection fails with a clear message', async () => {
  const app = await start(CartModule);
  expect(() => app.get(Cart)).toThrow(/connection-scoped/);
});
