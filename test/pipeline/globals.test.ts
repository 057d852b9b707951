import { injectable } from 'tsyringe';
import {
  Module,
  OnMessage,
  OnRawMessage,
  Payload,
  WebSocketController,
  type CallHandler,
  type ExecutionContext,
  type Next,
} from 'ws-controllers';
import { open, refusal, start } from './harness';

const visits: string[] = [];

@injectable()
@WebSocketController('/a')
class AController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('fail')
  fail(): never {
    throw new Error('boom');
  }
}

@injectable()
@WebSocketController('/b')
class BController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnRawMessage()
  raw(): string {
    return 'raw-ok';
  }
}

@Module({ controllers: [AController, BController] })
class GlobalsModule {}

const globals = {
  guards: [(ctx: ExecutionContext) => ctx.client.query.key === 'k' && ctx.payload !== 'deny'],
  middleware: [
    async (ctx: ExecutionContext, next: Next) => {
      visits.push(`${ctx.controller.name}.${ctx.method}`);
      await next();
    },
  ],
  interceptors: [{ intercept: async (_ctx: ExecutionContext, next: CallHandler) => ({ wrapped: await next() }) }],
  filters: [{ catch: () => ({ code: 'GLOBAL_FILTER', message: 'handled globally' }) }],
};

beforeEach(() => {
  visits.length = 0;
});

test('global guards refuse upgrades to every controller', async () => {
  const app = await start(GlobalsModule, globals);
  expect((await refusal(app, '/a')).status).toBe(403);
  expect((await refusal(app, '/b?key=nope')).status).toBe(403);
});

test('global guards, middleware and interceptors apply to every controller', async () => {
  const app = await start(GlobalsModule, { ...globals, filters: [] });
  const a = await open(app, '/a?key=k');
  const b = await open(app, '/b?key=k');
  expect((await a.request('echo', 1)).payload).toEqual({ wrapped: 1 });
  expect((await b.request('echo', 2)).payload).toEqual({ wrapped: 2 });
  expect((await b.request('echo', 'deny')).payload).toMatchObject({ code: 'FORBIDDEN', event: 'echo' });
  expect(visits).toEqual(['AController.echo', 'BController.echo', 'BController.echo']);
});

test('global filters apply to every controller', async () => {
  const app = await start(GlobalsModule, globals);
  const a = await open(app, '/a?key=k');
  expect((await a.request('fail')).payload).toEqual({ code: 'GLOBAL_FILTER', message: 'handled globally', event: 'fail' });
  // Guard refusals go through filters too, as in NestJS.
  expect((await a.request('echo', 'deny')).payload).toMatchObject({ code: 'GLOBAL_FILTER' });
});

test('global middleware and guards also see raw frames', async () => {
  const app = await start(GlobalsModule, { middleware: globals.middleware });
  const b = await open(app, '/b');
  b.send('not an envelope');
  expect((await b.nextRaw()).data.toString()).toBe('raw-ok');
  expect(visits).toEqual(['BController.raw']);
});
