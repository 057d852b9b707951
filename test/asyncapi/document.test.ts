import { Parser } from '@asyncapi/parser';
import { createAsyncApiDocument, verifyEventMap, type AsyncApiDocument, type JsonSchema } from 'ws-controllers/asyncapi';
import { ChatController, ChatModule } from '../fixtures/chat-app';
import { BoardModule } from './fixtures';

async function parserErrors(doc: AsyncApiDocument): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
}

/** Follows a dotted path (keys may not contain dots here: use an array for those). */
function at(doc: JsonSchema, path: string | string[]): JsonSchema {
  const keys = typeof path === 'string' ? path.split('.') : path;
  return keys.reduce<JsonSchema>((node, key) => (node as Record<string, JsonSchema>)[key] as JsonSchema, doc);
}

const schemaOf = (doc: JsonSchema, name: string): JsonSchema => at(doc, ['components', 'schemas', name]);
const chat = createAsyncApiDocument(ChatModule);
const board = createAsyncApiDocument(BoardModule, { title: 'Boards', version: '2.1.0' });

describe('validity', () => {
  test('the document of a module and its imports passes the official AsyncAPI parser', async () => {
    expect(await parserErrors(chat)).toEqual([]);
  });

  test('a document with path parameters, client rooms and nested arrays passes the parser', async () => {
    expect(await parserErrors(board)).toEqual([]);
  });

  test('servers given as an option are listed and still pass the parser', async () => {
    const doc = createAsyncApiDocument(BoardModule, { servers: { prod: { host: 'boards.example.com', protocol: 'wss', description: 'Production' } } });
    expect(doc.servers).toEqual({ prod: { host: 'boards.example.com', protocol: 'wss', description: 'Production' } });
    expect(await parserErrors(doc)).toEqual([]);
  });

  test('it is AsyncAPI 3.0.0 with the given title and version, and plain JSON', () => {
    expect(board).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Boards', version: '2.1.0' }, defaultContentType: 'application/json' });
    expect(chat.info).toEqual({ title: 'ChatModule', version: '1.0.0' });
    expect(JSON.parse(JSON.stringify(board))).toEqual(board);
  });
});

describe('channels and operations', () => {
  test('there is one channel per controller path, imported modules included', () => {
    expect(Object.values(chat.channels as JsonSchema).map((c) => (c as JsonSchema).address).sort()).toEqual(['/chat', '/strict']);
  });

  test('a pattern path becomes an address with a channel parameter', () => {
    expect(at(board, 'channels.boards-boardId')).toMatchObject({ address: '/boards/{boardId}', parameters: { boardId: {} } });
  });

  test('there is one receive operation per event, whose message is the event envelope', () => {
    const events = Object.values(chat.operations as JsonSchema)
      .filter((op) => (op as JsonSchema).action === 'receive')
      .map((op) => at(chat, ((op as JsonSchema).messages as JsonSchema[])[0]!.$ref!.toString().slice(2).split('/')).name);
    expect(events).toEqual(expect.arrayContaining(['user-typing', 'profile', 'echo', 'count', 'refuse', 'ping']));
    expect(events).toHaveLength(13);
    const typing = at(chat, ['channels', 'chat', 'messages', 'user-typing', 'payload']);
    expect(typing).toEqual({
      type: 'object',
      required: ['event', 'payload'],
      properties: { event: { type: 'string', const: 'user-typing' }, payload: { $ref: '#/components/schemas/TypingDto' }, id: expect.any(Object) },
    });
  });

  test('every reply may be the error envelope, and errors that answer no request are a send operation', () => {
    const receive = Object.values(board.operations as JsonSchema).filter((op) => (op as JsonSchema).action === 'receive') as JsonSchema[];
    for (const op of receive) expect((op.reply as JsonSchema).messages).toContainEqual({ $ref: '#/channels/boards-boardId/messages/error' });
    expect(at(board, ['operations', 'boards-boardId.error'])).toMatchObject({ action: 'send', messages: [{ $ref: '#/channels/boards-boardId/messages/error' }] });
    expect(at(board, ['components', 'messages', 'Error', 'payload'])).toMatchObject({
      required: ['event', 'payload'],
      properties: { event: { const: 'error' }, payload: { $ref: '#/components/schemas/WireError' } },
    });
    expect(schemaOf(board, 'WireError')).toMatchObject({ required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } });
  });

  test('client rooms add the built-in join-room and left-room events', () => {
    expect(at(board, ['channels', 'boards-boardId', 'messages', 'join-room', 'payload', 'properties', 'payload'])).toEqual({
      type: 'object',
      required: ['room'],
      properties: { room: { type: 'string', minLength: 1 } },
    });
    expect(at(board, ['operations', 'boards-boardId.left-room', 'reply', 'messages'])).toHaveLength(2);
  });
});

describe('replies', () => {
  test('a handler declared to return a DTO class has a reply message with its schema', () => {
    const op = at(board, ['operations', 'boards-boardId.task.create']);
    expect((op.reply as JsonSchema).messages).toEqual([
      { $ref: '#/channels/boards-boardId/messages/task.create.reply' },
      { $ref: '#/channels/boards-boardId/messages/error' },
    ]);
    expect(at(board, ['channels', 'boards-boardId', 'messages', 'task.create.reply', 'payload', 'properties', 'payload'])).toEqual({
      $ref: '#/components/schemas/TaskCreated',
    });
  });

  test('a handler declared to return a primitive has a reply with that type', () => {
    expect(at(board, ['channels', 'boards-boardId', 'messages', 'rename.reply', 'payload', 'properties', 'payload'])).toEqual({ type: 'string' });
  });

  test('void, unannotated and async handlers get no reply schema, only the error', () => {
    expect(at(board, ['operations', 'boards-boardId.anything', 'reply', 'messages'])).toEqual([{ $ref: '#/channels/boards-boardId/messages/error' }]);
    expect(at(chat, ['operations', 'chat.async-echo', 'reply', 'messages'])).toHaveLength(1);
    expect(at(chat, ['operations', 'chat.user-typing', 'reply', 'messages'])).toHaveLength(1);
  });
});

describe('payload schemas from class-validator metadata', () => {
  test('types, required properties, lengths and ranges', () => {
    expect(schemaOf(chat, 'TypingDto')).toEqual({
      type: 'object',
      title: 'TypingDto',
      properties: { room: { type: 'string', minLength: 1, maxLength: 32 }, typing: { type: 'boolean' } },
      required: ['room', 'typing'],
      additionalProperties: false,
    });
    expect(at(schemaOf(board, 'TaskDto'), 'properties.points')).toEqual({ type: 'integer', minimum: 1, maximum: 5 });
  });

  test('optional properties are not required, and formats and enums are kept', () => {
    const task = schemaOf(board, 'TaskDto');
    expect(task.required).toEqual(['title', 'points', 'priority', 'lane', 'tags', 'notes']);
    expect(at(task, 'properties.owner')).toEqual({ type: 'string', format: 'email' });
    expect(at(task, 'properties.priority')).toEqual({ type: 'string', enum: ['low', 'high'] });
    expect(at(task, 'properties.lane')).toEqual({ type: 'number', enum: [1, 2, 3] });
  });

  test('a nested DTO is a reference to its own schema (from design:type)', () => {
    const profile = schemaOf(chat, 'ProfileDto');
    expect(at(profile, 'properties.address')).toEqual({ $ref: '#/components/schemas/AddressDto' });
    expect(at(profile, 'properties.age')).toEqual({ type: 'integer', minimum: 0 });
    expect(profile.required).toEqual(['name', 'address']);
    expect(at(schemaOf(chat, 'AddressDto'), 'properties.street')).toEqual({ type: 'string', minLength: 1, maxLength: 20 });
  });

  test('arrays of nested DTOs (from @Type) and `each` constraints describe their items', () => {
    const task = schemaOf(board, 'TaskDto');
    expect(at(task, 'properties.tags')).toEqual({ type: 'array', maxItems: 3, items: { $ref: '#/components/schemas/TagDto' } });
    expect(at(task, 'properties.notes')).toEqual({ type: 'array', items: { type: 'string' } });
    expect(schemaOf(board, 'TagDto')).toMatchObject({ properties: { label: { type: 'string' } }, required: ['label'] });
  });

  test('primitive, named and untyped payload parameters', () => {
    const payload = (event: string): JsonSchema => at(chat, ['channels', 'chat', 'messages', event, 'payload']);
    expect(at(payload('count'), 'properties.payload')).toEqual({ type: 'number' });
    expect(payload('count').required).toEqual(['event', 'payload']);
    expect(at(payload('room-name'), 'properties.payload')).toEqual({ type: 'object', properties: { room: { type: 'string' } }, required: ['room'] });
    expect(at(payload('echo'), 'properties.payload')).toEqual({ description: 'Any JSON value' });
    expect(payload('echo').required).toEqual(['event']);
    expect(payload('silent').properties).not.toHaveProperty('payload');
  });
});

describe('verifyEventMap', () => {
  test('a map that matches the decorators has no problems', () => {
    expect(verifyEventMap(ChatController, { 'user-typing': 'typing', count: { method: 'count' } })).toEqual([]);
  });

  test('a map that drifted from the decorators lists each problem', () => {
    expect(verifyEventMap(ChatController, { typing: 'typing', count: 'echo' })).toEqual([
      "ChatController handles no event 'typing'",
      "'count' is handled by ChatController.count, not echo",
    ]);
  });
});
