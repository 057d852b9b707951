/**
 * @module asyncapi/document
 * `createAsyncApiDocument(module)`: an AsyncAPI 3.0 document of a module, seen from the server.
 * One channel per controller path; one `receive` operation per event (its reply: the handler's
 * result, or its stream's items and end, and the error envelope); one `send` operation per server
 * request declared with `@Asks` (its reply: the client's answer); one `send` operation per channel for
 * errors that answer no request.
 */
import type { JsonSchema } from './constraint-schema';
import { describeControllers, type ControllerDescription, type EventDescription } from './controller-events';
import { SchemaRegistry } from './schema-registry';
import { answerErrorMessage, answerMessage, askMessage, cancelMessage, streamEndMessage, streamItemMessage } from './two-way-messages';

type Class = new (...args: never[]) => unknown;

/** Options of `createAsyncApiDocument`. */
export interface AsyncApiOptions {
  /** `info.title`. @default the module class name */
  title?: string | undefined;
  /** `info.version`. @default '1.0.0' */
  version?: string | undefined;
  /** `info.description`. */
  description?: string | undefined;
  /** Servers to list, e.g. `{ production: { host: 'api.example.com', protocol: 'wss' } }`. */
  servers?: Record<string, { host: string; protocol: 'ws' | 'wss'; pathname?: string; description?: string }>;
}

/** An AsyncAPI 3.0 document (plain JSON). */
export type AsyncApiDocument = JsonSchema & { asyncapi: '3.0.0' };

const ERROR_REF = { $ref: '#/components/messages/Error' };
const ID_SCHEMA: JsonSchema = {
  type: ['string', 'number'],
  description: 'Correlation id: a request carrying one gets its reply (or error) with the same id',
};

// Component and channel keys must match ^[A-Za-z0-9_.-]+$.
const key = (text: string): string => text.replace(/[^A-Za-z0-9_.-]/g, '_') || '_';

/** Builds the AsyncAPI 3.0 document of a module (and everything it imports). */
export function createAsyncApiDocument(module: Class, options: AsyncApiOptions = {}): AsyncApiDocument {
  const registry = new SchemaRegistry();
  const controllers = describeControllers(module, registry);
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  for (const controller of controllers) {
    const channelId = uniqueKey(channels, key(controller.path.replace(/^\//, '').replace(/[/:]+/g, '-')) || 'root');
    channels[channelId] = channel(controller, channelId, operations);
  }
  const doc: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: options.title ?? module.name,
      version: options.version ?? '1.0.0',
      ...(options.description ? { description: options.description } : {}),
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: { ...registry.schemas, WireError: wireErrorSchema() },
      messages: { Error: errorMessage() },
    },
  };
  if (options.servers) doc.servers = options.servers;
  return doc;
}

function channel(controller: ControllerDescription, channelId: string, operations: Record<string, JsonSchema>): JsonSchema {
  const ref = { $ref: `#/channels/${channelId}` };
  const messages: Record<string, JsonSchema> = {};
  const messageRef = (id: string): JsonSchema => ({ $ref: `#/channels/${channelId}/messages/${id}` });
  const events = [...controller.events, ...clientRoomEvents(controller)];
  for (const event of events) {
    const id = uniqueKey(messages, key(event.event));
    messages[id] = requestMessage(event, controller.name);
    const replies = [];
    if (event.stream) {
      const itemId = uniqueKey(messages, `${id}.item`);
      messages[itemId] = streamItemMessage(event);
      const endId = uniqueKey(messages, `${id}.end`);
      messages[endId] = streamEndMessage(event);
      replies.push(messageRef(itemId), messageRef(endId));
    } else if (event.reply) {
      const replyId = uniqueKey(messages, `${id}.reply`);
      messages[replyId] = replyMessage(event);
      replies.push(messageRef(replyId));
    }
    operations[uniqueKey(operations, `${channelId}.${id}`)] = {
      action: 'receive',
      channel: ref,
      summary: `Handles '${event.event}'`,
      messages: [messageRef(id)],
      reply: { channel: ref, messages: [...replies, messageRef('error')] },
    };
  }
  if (events.some((event) => event.stream)) {
    messages.cancel = cancelMessage();
    operations[uniqueKey(operations, `${channelId}.cancel`)] = {
      action: 'receive',
      channel: ref,
      summary: 'Stops a streamed reply',
      messages: [messageRef('cancel')],
    };
  }
  if (controller.asks.length > 0) messages['answer-error'] = answerErrorMessage();
  for (const ask of controller.asks) {
    const id = uniqueKey(messages, `ask.${key(ask.event)}`);
    messages[id] = askMessage(ask);
    const answerId = uniqueKey(messages, `${id}.answer`);
    messages[answerId] = answerMessage(ask);
    operations[uniqueKey(operations, `${channelId}.${id}`)] = {
      action: 'send',
      channel: ref,
      summary: ask.summary ?? `Asks the client '${ask.event}' (declared with @Asks)`,
      messages: [messageRef(id)],
      reply: { channel: ref, messages: [messageRef(answerId), messageRef('answer-error')] },
    };
  }
  messages.error = ERROR_REF;
  operations[uniqueKey(operations, `${channelId}.error`)] = {
    action: 'send',
    channel: ref,
    summary: 'Errors that answer no request (a bad frame, an unknown event, a failed emit)',
    messages: [messageRef('error')],
  };
  const address = controller.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const params = [...controller.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
  return {
    address,
    title: controller.name,
    messages,
    ...(params.length > 0 ? { parameters: Object.fromEntries(params.map((p) => [p, { description: `Path parameter '${p}'` }])) } : {}),
  };
}

function requestMessage(event: EventDescription, controller: string): JsonSchema {
  const properties: JsonSchema = { event: { type: 'string', const: event.event } };
  if (event.payload) properties.payload = event.payload;
  properties.id = ID_SCHEMA;
  return {
    name: event.event,
    title: event.event,
    summary: `${controller}.${event.method}`,
    payload: { type: 'object', required: event.payloadRequired ? ['event', 'payload'] : ['event'], properties },
  };
}

function replyMessage(event: EventDescription): JsonSchema {
  return {
    name: `${event.event} reply`,
    title: `${event.event} reply`,
    payload: {
      type: 'object',
      required: ['event', 'payload'],
      properties: { event: { type: 'string', const: event.event }, payload: event.reply, id: ID_SCHEMA },
    },
  };
}

// `clientRooms: true` adds the built-in join-room / left-room events, answered with the client's rooms.
function clientRoomEvents(controller: ControllerDescription): EventDescription[] {
  if (!controller.options.clientRooms) return [];
  const room: JsonSchema = { type: 'object', required: ['room'], properties: { room: { type: 'string', minLength: 1 } } };
  const rooms: JsonSchema = { type: 'array', items: { type: 'string' }, description: 'The rooms the client is in now' };
  return ['join-room', 'left-room'].map((event) => ({ event, method: '(built in)', payload: room, payloadRequired: true, reply: rooms }));
}

function wireErrorSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string', description: 'Machine-readable code, e.g. VALIDATION_FAILED, UNKNOWN_EVENT, BAD_MESSAGE' },
      message: { type: 'string' },
      event: { type: 'string', description: 'The event the error is about' },
      details: { description: 'Structured details, e.g. the failed constraints of VALIDATION_FAILED' },
    },
  };
}

function errorMessage(): JsonSchema {
  return {
    name: 'error',
    title: 'Error envelope',
    payload: {
      type: 'object',
      required: ['event', 'payload'],
      properties: { event: { type: 'string', const: 'error' }, payload: { $ref: '#/components/schemas/WireError' }, id: ID_SCHEMA },
    },
  };
}

function uniqueKey(taken: Record<string, unknown>, base: string): string {
  let name = base;
  for (let n = 2; name in taken; n++) name = `${base}${n}`;
  return name;
}
