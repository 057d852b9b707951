/**
 * Nested DTOs over a real socket: the handler receives instances of the nested classes; hostile shapes
 * (deep nesting, many keys, huge arrays) are refused by the structural limits before class-transformer
 * or class-validator run; prototype keys are dropped at parse; wrong types at each level get
 * class-validator's errors.
 */
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { bootstrap, Module, OnMessage, Payload, WebSocketController, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { AuthorDto, ChatDto, ChatItemDto } from './support/corpus';

const received: ChatDto[] = [];

@WebSocketController('/nested')
class ChatController {
  @OnMessage('post')
  post(@Payload() chat: ChatDto) {
    received.push(chat);
    return { author: chat.author.constructor.name, items: chat.items.map((item) => item.constructor.name) };
  }
}

@Module({ controllers: [ChatController] })
class ChatModule {}

let app: WsApp;
let socket: TestSocket;

beforeAll(async () => {
  app = await bootstrap(ChatModule, testOptions);
  socket = await connect(urlOf(app.port, '/nested'));
});

afterAll(async () => {
  await socket.close();
  await app.close();
});

afterEach(() => {
  received.length = 0;
  jest.restoreAllMocks();
});

function chat(items = 10): Record<string, unknown> {
  return {
    room: 'general',
    author: { id: 'u-1', name: 'Ada', role: 'user' },
    items: Array.from({ length: items }, (_, i) => ({ text: `hello ${i}`, ts: i })),
  };
}

function spyOnLibraries(): () => number {
  const spies = [jest.spyOn(classTransformer, 'plainToInstance'), jest.spyOn(classValidator, 'validateSync'), jest.spyOn(classValidator, 'validate')];
  return () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
}

test('the handler receives instances of the nested classes, built without class-transformer or class-validator', async () => {
  const calls = spyOnLibraries();
  const reply = await socket.request('post', chat());
  expect(reply.payload).toEqual({ author: 'AuthorDto', items: new Array(10).fill('ChatItemDto') });
  expect(received[0]).toBeInstanceOf(ChatDto);
  expect(received[0]!.author).toBeInstanceOf(AuthorDto);
  expect(received[0]!.items[9]).toBeInstanceOf(ChatItemDto);
  expect(calls()).toBe(0);
});

test('wrong types at each level get class-validator errors with their paths', async () => {
  const payload = chat(3);
  (payload.author as Record<string, unknown>).role = 'root';
  (payload.items as unknown[])[1] = [{ text: 7, ts: 'x' }];
  (payload.items as unknown[])[2] = null;
  const reply = await socket.request('post', payload);
  expect(reply.payload).toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [
      { property: 'author.role', constraints: { isIn: 'role must be one of the following values: user, admin, bot' } },
      { property: 'items.1.0.text', constraints: { isString: 'text must be a string' } },
      { property: 'items.1.0.ts', constraints: { isInt: 'ts must be an integer number', min: 'ts must not be less than 0' } },
      { property: 'items.2', constraints: { nestedValidation: 'each value in nested property items must be either object or array' } },
    ],
  });
  expect(received).toEqual([]);
});

test('hostile shapes are refused by the structural limits before class-transformer or class-validator run', async () => {
  const calls = spyOnLibraries();
  let deep: unknown = { text: 'x', ts: 1 };
  for (let i = 0; i < 40; i++) deep = [deep];
  const tooDeep = await socket.request('post', { ...chat(1), items: [deep] });
  expect(tooDeep.payload).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX', details: [{ constraints: { maxPayloadDepth: expect.any(String) } }] });

  const author: Record<string, unknown> = { id: 'u', name: 'n', role: 'user' };
  for (let i = 0; i < 1000; i++) author[`k${i}`] = i;
  const manyKeys = await socket.request('post', { ...chat(1), author });
  expect(manyKeys.payload).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX', details: [{ property: 'author', constraints: { maxPayloadKeys: 'author has more than 1000 keys' } }] });

  const huge = await socket.request('post', chat(10_001));
  expect(huge.payload).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX', details: [{ property: 'items', constraints: { maxArrayLength: 'items has more than 10000 items' } }] });
  expect(calls()).toBe(0);
  expect(received).toEqual([]);
});

test('prototype keys in nested objects are dropped at parse: no pollution, the payload validates as without them', async () => {
  const items = Array.from({ length: 2 }, (_, i) => `{"text":"t${i}","ts":${i},"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}`);
  const frame = `{"event":"post","id":"pp","payload":{"room":"r","author":{"id":"a","name":"b","role":"bot","\\u005f_proto__":{"admin":true}},"items":[${items.join(',')}]}}`;
  socket.send(frame);
  const reply = await socket.next('post');
  expect(reply).toMatchObject({ id: 'pp', payload: { author: 'AuthorDto', items: ['ChatItemDto', 'ChatItemDto'] } });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(received[0]!.author)).toEqual(['id', 'name', 'role']);
  expect(Object.keys(received[0]!.items[0]!)).toEqual(['text', 'ts']);
  expect((received[0]!.author as unknown as Record<string, unknown>).admin).toBeUndefined();
});

test('an array within the limits but over @ArrayMaxSize is refused with the one error class-validator gives', async () => {
  const reply = await socket.request('post', chat(2_000));
  expect(reply.payload).toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [{ property: 'items', constraints: { arrayMaxSize: 'items must contain no more than 10 elements' } }],
  });
});
