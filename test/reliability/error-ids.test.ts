/**
 * Reliability (issue 15, item 9): errors answer the request they belong to. Any error caused by a frame
 * that parsed to an object with a valid `id` carries that `id`, so `client.request()` settles at once
 * instead of waiting for its timeout; frames without a valid id get errors without one.
 */
import { bootstrap, Module, OnMessage, Payload, WebSocketController, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Received, type TestSocket } from '../support/ws-test-client';
import { report } from './support/figures';

@WebSocketController('/ids')
class IdsController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }
}

@Module({ controllers: [IdsController] })
class IdsModule {}

let app: WsApp;
let socket: TestSocket;

beforeAll(async () => {
  app = await bootstrap(IdsModule, testOptions);
  socket = await connect(urlOf(app.port, '/ids'));
});

afterAll(async () => {
  await socket.close();
  await app.close({ timeoutMs: 1000 });
});

/** Bodies of objects with a valid id that are not envelopes, or not acceptable ones. */
const broken: Array<[string, (id: string | number) => Record<string, unknown>, string]> = [
  ['no event', (id) => ({ payload: 1, id }), 'BAD_MESSAGE'],
  ['a numeric event', (id) => ({ event: 5, id }), 'BAD_MESSAGE'],
  ['a null event', (id) => ({ event: null, payload: {}, id }), 'BAD_MESSAGE'],
  ['an object event', (id) => ({ event: { name: 'echo' }, id }), 'BAD_MESSAGE'],
  ['an event name over 256 characters', (id) => ({ event: 'e'.repeat(300), id }), 'BAD_MESSAGE'],
  ['an unknown event', (id) => ({ event: 'nope', id }), 'UNKNOWN_EVENT'],
];

test.each(broken)('an object with a valid id and %s gets its error on that id', async (_name, body, code) => {
  for (const id of [11, 'req-11']) {
    const reply = socket.waitFor((m) => m.id === id, 1000, `error on ${id}`);
    socket.send(body(id));
    expect(await reply).toMatchObject({ event: 'error', payload: { code }, id });
    socket.received.length = 0;
  }
});

test('frames without a valid id get errors without an id', async () => {
  const bad = [{ payload: 1, id: { nested: true } }, { payload: 1, id: [1] }, { payload: 1, id: null }, [1, 2, 3], 'not json', 42];
  for (const frame of bad) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  const marker = await socket.request('echo', 'marker');
  expect(marker.payload).toBe('marker');
  const errors = socket.received.filter((m) => m.event === 'error');
  expect(errors).toHaveLength(bad.length);
  for (const error of errors) expect(error).not.toHaveProperty('id');
  socket.received.length = 0;
});

test('2,000 mixed broken frames with ids are each answered exactly once, on their own id', async () => {
  const started = Date.now();
  const answers = new Map<number, Received[]>();
  const total = 2000;
  const done = new Promise<void>((resolve) => {
    socket.ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Received;
      if (typeof message.id !== 'number' || message.id < 100_000) return;
      const list = answers.get(message.id) ?? [];
      list.push(message);
      answers.set(message.id, list);
      if (answers.size === total) resolve();
    });
  });
  for (let i = 0; i < total; i++) {
    const [, body] = broken[i % broken.length]!;
    socket.send(body(100_000 + i));
  }
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  const once = [...answers.values()].filter((list) => list.length === 1 && list[0]!.event === 'error').length;
  report('error-ids', { frames: total, answeredOnTheirId: answers.size, exactlyOnce: once, ms: Date.now() - started });
  expect(answers.size).toBe(total);
  expect(once).toBe(total);
});
