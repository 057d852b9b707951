import { IsString } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  Module,
  OnMessage,
  Payload,
  UseInterceptors,
  WebSocketController,
  type CallHandler,
  type ExecutionContext,
  type WsInterceptor,
} from 'ws-controllers';
import { open, start } from './harness';

class NameDto {
  @IsString() name!: string;
}

/** Wraps every result in `{ data }`. */
class Envelope implements WsInterceptor {
  async intercept(_ctx: ExecutionContext, next: CallHandler): Promise<unknown> {
    return { data: await next() };
  }
}

const timings: Array<{ event?: string; ms: number }> = [];

/** Measures the handler (a timing interceptor). */
class Timing implements WsInterceptor {
  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<unknown> {
    const started = performance.now();
    try {
      return await next();
    } finally {
      timings.push({ event: ctx.event, ms: performance.now() - started });
    }
  }
}

/** Answers from a cache without calling the handler. */
class Cached implements WsInterceptor {
  intercept(): unknown {
    return 'from cache';
  }
}

/** Turns failures into a value. */
class Fallback implements WsInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Promise<unknown> {
    return next().catch((error: unknown) => ({ failed: (error as { code?: string }).code }));
  }
}

@injectable()
@WebSocketController('/ic')
@UseInterceptors(Timing)
class InterceptedController {
  @OnMessage('sum')
  @UseInterceptors(Envelope)
  sum(@Payload() numbers: number[]): number {
    return numbers.reduce((a, b) => a + b, 0);
  }

  @OnMessage('later')
  @UseInterceptors(Envelope)
  async later(): Promise<string> {
    await new Promise((r) => setImmediate(r));
    return 'done';
  }

  @OnMessage('cached')
  @UseInterceptors(Cached)
  cached(): string {
    throw new Error('should not run');
  }

  @OnMessage('greet')
  @UseInterceptors(Fallback)
  greet(@Payload() dto: NameDto): string {
    return `hello ${dto.name}`;
  }
}

@Module({ controllers: [InterceptedController] })
class InterceptorModule {}

beforeEach(() => {
  timings.length = 0;
});

test('an interceptor maps the result of a handler', async () => {
  const app = await start(InterceptorModule);
  const socket = await open(app, '/ic');
  expect((await socket.request('sum', [1, 2, 3])).payload).toEqual({ data: 6 });
});

test('an interceptor maps the result of an async handler', async () => {
  const app = await start(InterceptorModule);
  const socket = await open(app, '/ic');
  expect((await socket.request('later')).payload).toEqual({ data: 'done' });
});

test('a controller interceptor sees every handler of the controller (timing)', async () => {
  const app = await start(InterceptorModule);
  const socket = await open(app, '/ic');
  await socket.request('sum', [1]);
  await socket.request('later');
  expect(timings.map((t) => t.event)).toEqual(['sum', 'later']);
  expect(timings.every((t) => t.ms >= 0)).toBe(true);
});

test('an interceptor may answer without calling the handler', async () => {
  const app = await start(InterceptorModule);
  const socket = await open(app, '/ic');
  expect((await socket.request('cached')).payload).toBe('from cache');
});

test('an interceptor sees validation failures of the handler it wraps', async () => {
  const app = await start(InterceptorModule);
  const socket = await open(app, '/ic');
  expect((await socket.request('greet', { name: 'Ada' })).payload).toBe('hello Ada');
  expect((await socket.request('greet', { name: 5 })).payload).toEqual({ failed: 'VALIDATION_FAILED' });
});

test('interceptors from bootstrap options wrap the controller and handler ones', async () => {
  const app = await start(InterceptorModule, {
    interceptors: [{ intercept: async (_ctx: ExecutionContext, next: CallHandler) => ({ global: await next() }) }],
  });
  const socket = await open(app, '/ic');
  expect((await socket.request('sum', [2, 2])).payload).toEqual({ global: { data: 4 } });
});

test('next.handle() works as in NestJS, and the context offers switchToWs()', async () => {
  const seen: unknown[] = [];
  const app = await start(InterceptorModule, {
    interceptors: [
      {
        intercept: async (ctx: ExecutionContext, next: CallHandler) => {
          const ws = ctx.switchToWs();
          seen.push(ws.getPattern(), ws.getData(), ws.getClient() === ctx.client, ctx.getType(), ctx.handler?.name);
          return { nest: await next.handle() };
        },
      },
    ],
  });
  const socket = await open(app, '/ic');
  expect((await socket.request('sum', [1, 1])).payload).toEqual({ nest: { data: 2 } });
  expect(seen).toEqual(['sum', [1, 1], true, 'ws', 'sum']);
});
