import { injectable } from 'tsyringe';
import {
  ConnectedClient,
  Module,
  OnConnect,
  OnMessage,
  Payload,
  UseGuards,
  WebSocketController,
  WsException,
  type CanActivate,
  type ExecutionContext,
  type WsClient,
} from 'ws-controllers';
import { open, refusal, start } from './harness';

@injectable()
class TokenStore {
  readonly valid = new Set(['good', 'admin']);
}

/** Lets a client in when its `?token=` is known (resolved from the container with its dependency). */
@injectable()
class TokenGuard implements CanActivate {
  constructor(private readonly tokens: TokenStore) {}
  canActivate(ctx: ExecutionContext): boolean {
    const token = ctx.client.query.token;
    if (token === 'expired') throw new WsException('UNAUTHORIZED', 'token expired', { status: 401 });
    return token !== undefined && this.tokens.valid.has(token);
  }
}

const seen: Array<{ event?: string; payload: unknown; controller: string; method?: string; kind: string }> = [];
const handled: string[] = [];

class AdminOnly implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    seen.push({ event: ctx.event, payload: ctx.payload, controller: ctx.getClass().name, method: ctx.method, kind: ctx.kind });
    return ctx.client.query.token === 'admin';
  }
}

@injectable()
@WebSocketController('/secure')
@UseGuards(TokenGuard)
class SecureController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): void {
    handled.push(`connect:${client.query.token}`);
  }

  @OnMessage('read')
  read(): string {
    return 'data';
  }

  @OnMessage('wipe')
  @UseGuards(AdminOnly)
  wipe(@Payload() payload: { confirm: boolean }): string {
    handled.push('wipe');
    return payload.confirm ? 'wiped' : 'kept';
  }

  @OnMessage('async-check')
  @UseGuards(async (ctx: ExecutionContext) => ctx.payload === 'open sesame', async () => true)
  asyncCheck(): string {
    handled.push('async-check');
    return 'opened';
  }

  @OnMessage('raise')
  @UseGuards({ canActivate: () => Promise.reject(new WsException('PAYMENT_REQUIRED', 'upgrade your plan')) })
  raise(): string {
    handled.push('raise');
    return 'never';
  }
}

@injectable()
@WebSocketController('/lobby')
class LobbyController {
  @OnConnect()
  @UseGuards((ctx: ExecutionContext) => ctx.client.query.pass === 'yes')
  connect(): void {
    handled.push('lobby-connect');
  }

  @OnMessage('hello')
  hello(): string {
    return 'hi';
  }
}

@Module({ controllers: [SecureController, LobbyController], providers: [TokenStore] })
class GuardModule {}

beforeEach(() => {
  seen.length = 0;
  handled.length = 0;
});

test('a controller guard that says no refuses the upgrade with 403 before the connect handler runs', async () => {
  const app = await start(GuardModule);
  const refused = await refusal(app, '/secure?token=bad');
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('FORBIDDEN');
  expect(handled).toEqual([]);
});

test('a guard that throws a WsException at connect refuses with its status and code', async () => {
  const app = await start(GuardModule);
  const refused = await refusal(app, '/secure?token=expired');
  expect(refused.status).toBe(401);
  expect(refused.body).toEqual({ code: 'UNAUTHORIZED', message: 'token expired' });
});

test('a guard that allows lets the connect handler run and messages through', async () => {
  const app = await start(GuardModule);
  const socket = await open(app, '/secure?token=good');
  expect(handled).toEqual(['connect:good']);
  expect((await socket.request('read')).payload).toBe('data');
});

test('a handler guard that says no sends FORBIDDEN to the request id and skips the handler', async () => {
  const app = await start(GuardModule);
  const socket = await open(app, '/secure?token=good');
  socket.send({ event: 'wipe', payload: { confirm: true }, id: 'w1' });
  const reply = await socket.next('error');
  expect(reply).toEqual({ event: 'error', payload: { code: 'FORBIDDEN', message: 'Forbidden resource', event: 'wipe' }, id: 'w1' });
  expect(handled).toEqual(['connect:good']);
});

test('a guard sees the client, the event, the raw payload and the handler class and method', async () => {
  const app = await start(GuardModule);
  const socket = await open(app, '/secure?token=admin');
  expect((await socket.request('wipe', { confirm: true, extra: 1 })).payload).toBe('wiped');
  expect(seen).toEqual([{ event: 'wipe', payload: { confirm: true, extra: 1 }, controller: 'SecureController', method: 'wipe', kind: 'message' }]);
});

test('a guard that throws a WsException on a message sends its code instead of FORBIDDEN', async () => {
  const app = await start(GuardModule);
  const socket = await open(app, '/secure?token=good');
  const reply = await socket.request('raise');
  expect(reply.payload).toEqual({ code: 'PAYMENT_REQUIRED', message: 'upgrade your plan', event: 'raise' });
  expect(handled).not.toContain('raise');
});

test('a guard on the connect handler itself refuses with 403 before it runs', async () => {
  const app = await start(GuardModule);
  expect((await refusal(app, '/lobby?pass=no')).status).toBe(403);
  expect(handled).toEqual([]);
  const socket = await open(app, '/lobby?pass=yes');
  expect(handled).toEqual(['lobby-connect']);
  expect((await socket.request('hello')).payload).toBe('hi');
});

test('global guards run at the upgrade of every controller', async () => {
  const app = await start(GuardModule, { guards: [(ctx: ExecutionContext) => ctx.client.headers['x-app'] === 'ok'] });
  expect((await refusal(app, '/lobby?pass=yes')).status).toBe(403);
  expect((await refusal(app, '/secure?token=good')).status).toBe(403);
});

test('async guards allow or refuse a message like sync ones', async () => {
  const app = await start(GuardModule);
  const socket = await open(app, '/secure?token=good');
  expect((await socket.request('async-check', 'open sesame')).payload).toBe('opened');
  expect((await socket.request('async-check', 'wrong')).payload).toMatchObject({ code: 'FORBIDDEN', event: 'async-check' });
  expect(handled).toEqual(['connect:good', 'async-check']);
});
