import { injectable } from 'tsyringe';
import { Module, OnMessage, OnRawMessage, Payload, RateLimit, WebSocketController } from 'ws-controllers';
import type { TestSocket } from '../support/ws-test-client';
import { open, start } from './harness';

@injectable()
@WebSocketController('/limited')
class LimitedController {
  @OnMessage('chat')
  @RateLimit({ points: 3, perMs: 60_000 })
  chat(@Payload() text: string): string {
    return text;
  }

  @OnMessage('quick')
  @RateLimit({ points: 1, perMs: 40 })
  quick(): string {
    return 'ok';
  }

  @OnMessage('strict')
  @RateLimit({ points: 2, perMs: 60_000, closeAfter: 3 })
  strict(): string {
    return 'ok';
  }

  @OnMessage('free')
  free(): string {
    return 'free';
  }
}

@injectable()
@WebSocketController('/shared')
@RateLimit({ points: 2, perMs: 60_000, closeAfter: 0 })
class SharedController {
  @OnMessage('one')
  one(): number {
    return 1;
  }

  @OnMessage('two')
  two(): number {
    return 2;
  }

  @OnRawMessage()
  raw(): string {
    return 'raw';
  }
}

@Module({ controllers: [LimitedController, SharedController] })
class LimitModule {}

async function codes(socket: TestSocket, event: string, count: number): Promise<unknown[]> {
  const replies = [];
  for (let i = 0; i < count; i++) replies.push(socket.request(event, 'x'));
  return (await Promise.all(replies)).map((r) => (r.event === 'error' ? (r.payload as { code: string }).code : r.payload));
}

test('messages over a handler limit get RATE_LIMITED with their request id, and other handlers still answer', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/limited');
  expect(await codes(socket, 'chat', 4)).toEqual(['x', 'x', 'x', 'RATE_LIMITED']);
  socket.send({ event: 'chat', payload: 'y', id: 'over' });
  const error = await socket.next('error');
  expect(error.id).toBe('over');
  expect(error.payload).toMatchObject({ code: 'RATE_LIMITED', event: 'chat', details: { retryAfterMs: expect.any(Number) } });
  expect((await socket.request('free')).payload).toBe('free');
});

test('each client has its own bucket', async () => {
  const app = await start(LimitModule);
  const first = await open(app, '/limited');
  const second = await open(app, '/limited');
  expect(await codes(first, 'chat', 4)).toEqual(['x', 'x', 'x', 'RATE_LIMITED']);
  expect(await codes(second, 'chat', 3)).toEqual(['x', 'x', 'x']);
});

test('the bucket refills over time', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/limited');
  expect(await codes(socket, 'quick', 2)).toEqual(['ok', 'RATE_LIMITED']);
  await new Promise((r) => setTimeout(r, 60)); // one refill period
  expect(await codes(socket, 'quick', 1)).toEqual(['ok']);
});

test('a client that keeps flooding after the limit is closed with 1008', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/limited');
  for (let i = 0; i < 10; i++) socket.send({ event: 'strict', id: i });
  expect(await socket.closed).toEqual({ code: 1008, reason: 'Rate limit exceeded' });
  const limited = socket.received.filter((m) => m.event === 'error');
  // Two allowed, then closeAfter (3) refusals, each answered before the close.
  expect(socket.received.filter((m) => m.event === 'strict')).toHaveLength(2);
  expect(limited.map((m) => m.id)).toEqual([2, 3, 4]);
});

test('by default a client is closed after 10 refusals in a row', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/limited');
  for (let i = 0; i < 30; i++) socket.send({ event: 'chat', payload: 'x', id: i });
  expect((await socket.closed).code).toBe(1008);
  expect(socket.received.filter((m) => m.event === 'error')).toHaveLength(10);
});

test('a controller limit is one bucket per client shared by its handlers and raw frames; closeAfter 0 never closes', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/shared');
  expect(await codes(socket, 'one', 1)).toEqual([1]);
  expect(await codes(socket, 'two', 1)).toEqual([2]);
  expect(await codes(socket, 'one', 20)).toEqual(new Array(20).fill('RATE_LIMITED'));
  socket.send('raw frame');
  expect((await socket.next('error')).payload).toMatchObject({ code: 'RATE_LIMITED' });
  expect(socket.ws.readyState).toBe(socket.ws.OPEN);
});

test('the global rateLimit option is one bucket per client across every handler and controller', async () => {
  const app = await start(LimitModule, { rateLimit: { points: 2, perMs: 60_000 } });
  const socket = await open(app, '/limited');
  expect(await codes(socket, 'free', 1)).toEqual(['free']);
  expect(await codes(socket, 'chat', 2)).toEqual(['x', 'RATE_LIMITED']);
  const other = await open(app, '/shared');
  expect(await codes(other, 'one', 1)).toEqual([1]);
});

test('frames that reach no handler take tokens from the global bucket, and a refused one is answered only on its id', async () => {
  const app = await start(LimitModule, { rateLimit: { points: 2, perMs: 60_000, closeAfter: 0 } });
  const socket = await open(app, '/limited');
  expect((await socket.request('nope')).payload).toMatchObject({ code: 'UNKNOWN_EVENT' });
  socket.send('not json');
  expect((await socket.request('free')).payload).toMatchObject({ code: 'RATE_LIMITED' });
  expect((await socket.request('nope')).payload).toMatchObject({ code: 'RATE_LIMITED', event: 'nope' });
  socket.send('still not json');
  socket.ws.send(Buffer.from([1]));
  expect((await socket.request('free')).payload).toMatchObject({ code: 'RATE_LIMITED' });
  const bad = socket.received.filter((m) => (m.payload as { code?: string }).code === 'BAD_MESSAGE');
  expect(bad).toHaveLength(1); // the one within the bucket; the refused ones got no reply
});

test('a controller limit counts unknown events on that controller', async () => {
  const app = await start(LimitModule);
  const socket = await open(app, '/shared');
  const replies = await Promise.all(Array.from({ length: 5 }, () => socket.request('nope')));
  expect(replies.map((r) => (r.payload as { code: string }).code)).toEqual(['UNKNOWN_EVENT', 'UNKNOWN_EVENT', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  expect((await socket.request('one')).payload).toMatchObject({ code: 'RATE_LIMITED' });
});
