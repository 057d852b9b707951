import { IsInt, IsString } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  Module,
  OnMessage,
  Payload,
  UseMiddleware,
  WebSocketController,
  WsException,
  type ExecutionContext,
  type Next,
  type WsMiddleware,
} from 'ws-controllers';
import { open, start } from './harness';

class NoteDto {
  @IsString() text!: string;
  @IsInt() length!: number;
}

const calls: string[] = [];

@injectable()
class Clock {
  now(): number {
    return 42;
  }
}

/** A class middleware with a dependency, resolved once from the container. */
@injectable()
class StampMiddleware implements WsMiddleware {
  static instances = 0;
  constructor(private readonly clock: Clock) {
    StampMiddleware.instances++;
  }
  async use(ctx: ExecutionContext, next: Next): Promise<void> {
    ctx.payload = { ...(ctx.payload as object), at: this.clock.now() };
    await next();
  }
}

@injectable()
@WebSocketController('/mw')
class MiddlewareController {
  @OnMessage('note')
  @UseMiddleware(async (ctx: ExecutionContext, next: Next) => {
    // Runs before validation: completes the payload the DTO requires.
    const text = (ctx.payload as { text: string }).text;
    ctx.payload = { text: text.trim(), length: text.trim().length };
    await next();
  })
  note(@Payload() note: NoteDto): unknown {
    return { isDto: note instanceof NoteDto, ...note };
  }

  @OnMessage('stamp')
  @UseMiddleware(StampMiddleware)
  stamp(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('stamp-too')
  @UseMiddleware(StampMiddleware)
  stampToo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('blocked')
  @UseMiddleware(async (ctx: ExecutionContext) => {
    // Never calls next(): the handler is skipped; what it set as the result is the reply.
    ctx.result = { cached: ctx.payload };
  })
  blocked(): string {
    calls.push('blocked-handler');
    return 'fresh';
  }

  @OnMessage('silenced')
  @UseMiddleware(() => Promise.resolve())
  silenced(): string {
    calls.push('silenced-handler');
    return 'loud';
  }

  @OnMessage('wrapped')
  @UseMiddleware(async (ctx: ExecutionContext, next: Next) => {
    await next();
    ctx.result = { wrapped: ctx.result };
  })
  wrapped(): string {
    return 'inner';
  }

  @OnMessage('rejected')
  @UseMiddleware(() => {
    throw new WsException('NOT_NOW', 'come back later');
  })
  rejected(): string {
    calls.push('rejected-handler');
    return 'never';
  }

  @OnMessage('sees-error')
  @UseMiddleware(async (_ctx: ExecutionContext, next: Next) => {
    try {
      await next();
    } catch (error) {
      calls.push(`middleware saw ${(error as Error).message}`);
      throw error;
    }
  })
  seesError(): never {
    throw new WsException('BROKEN', 'handler broke');
  }
}

@Module({ controllers: [MiddlewareController], providers: [Clock] })
class MiddlewareModule {}

beforeEach(() => {
  calls.length = 0;
});

test('middleware can change the payload before validation and the handler gets the validated DTO', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('note', { text: '  hello ' })).payload).toEqual({ isDto: true, text: 'hello', length: 5 });
});

test('a middleware class is resolved from the container once, with its dependencies', async () => {
  StampMiddleware.instances = 0;
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('stamp', { a: 1 })).payload).toEqual({ a: 1, at: 42 });
  expect((await socket.request('stamp-too', { b: 2 })).payload).toEqual({ b: 2, at: 42 });
  expect((await socket.request('stamp', { c: 3 })).payload).toEqual({ c: 3, at: 42 });
  expect(StampMiddleware.instances).toBe(1);
});

test('a middleware that does not call next stops the chain and its result is the reply', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('blocked', 'q')).payload).toEqual({ cached: 'q' });
  expect(calls).toEqual([]);
});

test('a middleware that stops the chain without a result sends nothing', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  socket.send({ event: 'silenced', id: 'quiet' });
  expect((await socket.request('wrapped')).payload).toEqual({ wrapped: 'inner' });
  expect(socket.received.some((m) => m.id === 'quiet')).toBe(false);
  expect(calls).toEqual([]);
});

test('middleware runs code after the handler and may replace the result', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('wrapped')).payload).toEqual({ wrapped: 'inner' });
});

test('a middleware that throws sends its error to the request id and skips the handler', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('rejected')).payload).toEqual({ code: 'NOT_NOW', message: 'come back later', event: 'rejected' });
  expect(calls).toEqual([]);
});

test('middleware sees the error thrown by the handler after next()', async () => {
  const app = await start(MiddlewareModule);
  const socket = await open(app, '/mw');
  expect((await socket.request('sees-error')).payload).toMatchObject({ code: 'BROKEN' });
  expect(calls).toEqual(['middleware saw handler broke']);
});
