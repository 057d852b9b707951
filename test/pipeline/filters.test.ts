import { IsString } from 'class-validator';
import { injectable } from 'tsyringe';
import {
  Catch,
  Module,
  OnError,
  OnMessage,
  Payload,
  UseFilters,
  WebSocketController,
  WsException,
  type ExecutionContext,
  type FilterOutcome,
  type WsExceptionFilter,
  type WsClient,
} from 'ws-controllers';
import { open, start } from './harness';

class OutOfStock extends Error {
  constructor(readonly sku: string) {
    super(`sku ${sku} is out of stock (internal detail)`);
  }
}

class ItemDto {
  @IsString() sku!: string;
}

/** Maps a domain error to a client error. */
@Catch(OutOfStock)
class OutOfStockFilter implements WsExceptionFilter {
  catch(error: OutOfStock): FilterOutcome {
    return { code: 'OUT_OF_STOCK', message: 'Item unavailable', details: { sku: error.sku } };
  }
}

/** Swallows errors of the 'fire-and-forget' event. */
class SilentFilter implements WsExceptionFilter {
  catch(): FilterOutcome {
    return null;
  }
}

/** Passes on everything (returns undefined), recording what it saw. */
const passed: string[] = [];
class PassingFilter implements WsExceptionFilter {
  catch(error: unknown, ctx: ExecutionContext): FilterOutcome {
    passed.push(`${ctx.event}:${(error as Error).message}`);
    return undefined;
  }
}

const errorsSeen: unknown[] = [];

@injectable()
@WebSocketController('/shop')
@UseFilters(OutOfStockFilter)
class ShopController {
  @OnMessage('buy')
  buy(@Payload() item: ItemDto): never {
    throw new OutOfStock(item.sku);
  }

  @OnMessage('fire-and-forget')
  @UseFilters(SilentFilter)
  fire(): never {
    throw new Error('nobody needs to know');
  }

  @OnMessage('specific')
  @UseFilters({ catch: () => new WsException('HANDLER_FILTER', 'the handler filter answered first') })
  specific(): never {
    throw new OutOfStock('x');
  }

  @OnMessage('crash')
  @UseFilters(PassingFilter)
  crash(): never {
    throw new Error('secret crash detail');
  }

  @OnMessage('refuse')
  refuse(): never {
    throw new WsException('NOPE', 'not today');
  }

  @OnError()
  onError(error: unknown, _client: WsClient): void {
    errorsSeen.push(error);
  }
}

@Module({ controllers: [ShopController] })
class FilterModule {}

beforeEach(() => {
  passed.length = 0;
  errorsSeen.length = 0;
});

test('a filter maps a thrown error to the error envelope, with the request id', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  socket.send({ event: 'buy', payload: { sku: 'A1' }, id: 'b1' });
  expect(await socket.next('error')).toEqual({
    event: 'error',
    payload: { code: 'OUT_OF_STOCK', message: 'Item unavailable', event: 'buy', details: { sku: 'A1' } },
    id: 'b1',
  });
});

test('@OnError sees the mapped error, with the original as its cause', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  await socket.request('buy', { sku: 'A2' });
  expect(errorsSeen).toHaveLength(1);
  expect((errorsSeen[0] as WsException).code).toBe('OUT_OF_STOCK');
  expect((errorsSeen[0] as { cause?: unknown }).cause).toBeInstanceOf(OutOfStock);
});

test('a filter that returns null suppresses the error: nothing is sent', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  socket.send({ event: 'fire-and-forget', id: 'silent' });
  expect((await socket.request('refuse')).payload).toMatchObject({ code: 'NOPE' });
  expect(socket.received.some((m) => m.id === 'silent')).toBe(false);
});

test('the handler filter answers before the controller filter', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  expect((await socket.request('specific')).payload).toMatchObject({ code: 'HANDLER_FILTER' });
});

test('an error no filter answers keeps the core rules: INTERNAL_ERROR, nothing leaked', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  const reply = await socket.request('crash');
  expect(reply.payload).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal server error', event: 'crash' });
  expect(JSON.stringify(reply)).not.toContain('secret');
  expect(passed).toEqual(['crash:secret crash detail']);
});

test('a filter restricted with @Catch leaves other errors alone', async () => {
  const app = await start(FilterModule);
  const socket = await open(app, '/shop');
  expect((await socket.request('refuse')).payload).toEqual({ code: 'NOPE', message: 'not today', event: 'refuse' });
});

test('a global filter maps validation failures of every controller', async () => {
  const app = await start(FilterModule, {
    filters: [
      {
        catch: (error: unknown) =>
          error instanceof WsException && error.code === 'VALIDATION_FAILED' ? { code: 'BAD_INPUT', message: 'check your input' } : undefined,
      },
    ],
  });
  const socket = await open(app, '/shop');
  expect((await socket.request('buy', { sku: 7 })).payload).toEqual({ code: 'BAD_INPUT', message: 'check your input', event: 'buy' });
  // The controller's own filter still answers first for its errors.
  expect((await socket.request('buy', { sku: 'B' })).payload).toMatchObject({ code: 'OUT_OF_STOCK' });
});
