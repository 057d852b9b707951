/**
 * @module asyncapi/two-way-messages
 * The AsyncAPI messages of streamed replies (items, end, the client's cancel) and of server requests
 * declared with `@Asks` (the request with its `ack`, the client's answer or error).
 */
import type { JsonSchema } from './constraint-schema';
import type { AskDescription, EventDescription } from './controller-events';

const ID_SCHEMA: JsonSchema = { type: ['string', 'number'], description: "The request's id" };
const ACK_SCHEMA: JsonSchema = {
  type: 'integer',
  minimum: 1,
  description: 'Chosen by the server per connection (a field of its own: never one of the client ids)',
};

/** One streamed item: `{"event","payload","id","stream":true}`. */
export function streamItemMessage(event: EventDescription): JsonSchema {
  return {
    name: `${event.event} item`,
    title: `${event.event} stream item`,
    summary: 'One item of the streamed reply; as many as the source yields, while the socket drains',
    payload: {
      type: 'object',
      required: ['event', 'id', 'stream'],
      properties: {
        event: { type: 'string', const: event.event },
        payload: event.stream?.item ?? { description: 'Any JSON value' },
        id: ID_SCHEMA,
        stream: { type: 'boolean', const: true },
      },
    },
  };
}

/** The end of a stream: `{"event","id","end":true}` (after it, or an error, no frame carries the id). */
export function streamEndMessage(event: EventDescription): JsonSchema {
  return {
    name: `${event.event} end`,
    title: `${event.event} stream end`,
    summary: 'The source completed; a failure is the error envelope with the id instead',
    payload: {
      type: 'object',
      required: ['event', 'id', 'end'],
      properties: { event: { type: 'string', const: event.event }, id: ID_SCHEMA, end: { type: 'boolean', const: true } },
    },
  };
}

/** The client's `{"cancel": id}`: stops its stream (the server calls `return()` or `unsubscribe()`). */
export function cancelMessage(): JsonSchema {
  return {
    name: 'cancel',
    title: 'Cancel a stream',
    summary: 'Stops the stream answering the request with this id; dropped without a reply when none runs',
    payload: { type: 'object', required: ['cancel'], properties: { cancel: ID_SCHEMA } },
  };
}

/** A server request: `{"event","payload","ack"}`. */
export function askMessage(ask: AskDescription): JsonSchema {
  const properties: JsonSchema = { event: { type: 'string', const: ask.event } };
  properties.payload = ask.payload ?? { description: 'Any JSON value' };
  properties.ack = ACK_SCHEMA;
  return {
    name: ask.event,
    title: `${ask.event} (server request)`,
    ...(ask.summary === undefined ? {} : { summary: ask.summary }),
    payload: { type: 'object', required: ['event', 'ack'], properties },
  };
}

/** The client's answer to a server request: `{"ack","payload"}` (no `event`). */
export function answerMessage(ask: AskDescription): JsonSchema {
  return {
    name: `${ask.event} answer`,
    title: `${ask.event} answer`,
    payload: {
      type: 'object',
      required: ['ack'],
      properties: { ack: ACK_SCHEMA, payload: ask.reply ?? { description: 'Any JSON value (absent: undefined)' } },
    },
  };
}

/** The client's error answer: `{"ack","error":{code,message}}` (`UNKNOWN_EVENT` without a handler). */
export function answerErrorMessage(): JsonSchema {
  return {
    name: 'answer error',
    title: 'Error answer to a server request',
    payload: {
      type: 'object',
      required: ['ack', 'error'],
      properties: {
        ack: ACK_SCHEMA,
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string', description: 'e.g. UNKNOWN_EVENT, or the code the handler threw' }, message: { type: 'string' } },
        },
      },
    },
  };
}
