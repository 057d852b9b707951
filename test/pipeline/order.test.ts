import { injectable } from 'tsyringe';
import {
  Module,
  OnConnect,
  OnMessage,
  Payload,
  UseGuards,
  UseInterceptors,
  UseMiddleware,
  WebSocketController,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type MiddlewareFn,
  type Next,
  type WsInterceptor,
} from 'ws-controllers';
import { open, start } from './harness';

const log: string[] = [];

const guard = (name: string): CanActivate => ({
  canActivate: (ctx: ExecutionContext) => {
    log.push(`guard:${name}:${ctx.kind}`);
    return true;
  },
});
const middleware =
  (name: string): MiddlewareFn =>
  async (_ctx: ExecutionContext, next: Next) => {
    log.push(`mw:${name}:before`);
    await next();
    log.push(`mw:${name}:after`);
  };
const interceptor = (name: string): WsInterceptor => ({
  intercept: async (_ctx: ExecutionContext, next: CallHandler) => {
    log.push(`ic:${name}:before`);
    const result = await next();
    log.push(`ic:${name}:after`);
    return result;
  },
});

@injectable()
@WebSocketController('/order')
@UseGuards(guard('controller'))
@UseMiddleware(middleware('controller'))
@UseInterceptors(interceptor('controller'))
class OrderController {
  @OnConnect()
  connect(): void {
    log.push('connect-handler');
  }

  @OnMessage('run')
  @UseGuards(guard('handler'))
  @UseMiddleware(middleware('handler'))
  @UseInterceptors(interceptor('handler'))
  run(@Payload() payload: unknown): unknown {
    log.push('handler');
    return payload;
  }
}

@injectable()
@WebSocketController('/bare')
@UseGuards(guard('bare'))
class NoConnectHandlerController {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [OrderController, NoConnectHandlerController] })
class OrderModule {}

const globals = {
  guards: [guard('global')],
  middleware: [middleware('global')],
  interceptors: [interceptor('global')],
};

beforeEach(() => {
  log.length = 0;
});

test('at connect, global then controller guards run before the connect handler', async () => {
  const app = await start(OrderModule, globals);
  await open(app, '/order');
  expect(log).toEqual(['guard:global:connect', 'guard:controller:connect', 'connect-handler']);
});

test('controller guards run at connect even without a connect handler', async () => {
  const app = await start(OrderModule, globals);
  await open(app, '/bare');
  expect(log).toEqual(['guard:global:connect', 'guard:bare:connect']);
});

test('a message runs middleware, then guards, then interceptors around the handler, global before controller before handler', async () => {
  const app = await start(OrderModule, globals);
  const socket = await open(app, '/order');
  log.length = 0;
  expect((await socket.request('run', 7)).payload).toBe(7);
  expect(log).toEqual([
    'mw:global:before',
    'mw:controller:before',
    'mw:handler:before',
    'guard:global:message',
    'guard:controller:message',
    'guard:handler:message',
    'ic:global:before',
    'ic:controller:before',
    'ic:handler:before',
    'handler',
    'ic:handler:after',
    'ic:controller:after',
    'ic:global:after',
    'mw:handler:after',
    'mw:controller:after',
    'mw:global:after',
  ]);
});
