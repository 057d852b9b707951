/**
 * @module protocol/envelope
 * The server's wire codec: `{"event", "payload"?, "id"?}` in, replies, pushes and errors out.
 */
import { BuiltInEvents, type Envelope, type WireError } from './wire';

export type { Envelope, WireError };

// Keys that must never become part of a parsed object (prototype pollution).
function dropDangerousKeys(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'constructor' ? undefined : value;
}

/**
 * Parses a text frame; returns `undefined` when it is not an envelope
 * (not JSON, not an object, no string `event`, or an `id` that is neither string nor number).
 */
export function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    // The reviver costs a lot, so it runs only when a dangerous key may be present.
    value =
      text.includes('__proto__') || text.includes('constructor')
        ? JSON.parse(text, dropDangerousKeys)
        : JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const envelope = value as Envelope;
  if (typeof envelope.event !== 'string') return undefined;
  const id = envelope.id;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return undefined;
  return envelope;
}

/** The start of every frame about `event`: `{"event":"<event>"`. */
export function eventPrefix(event: string): string {
  return '{"event":' + JSON.stringify(event);
}

function stringifyPayload(payload: unknown): string {
  // JSON.stringify returns undefined for functions and symbols; those travel as null.
  return JSON.stringify(payload) ?? 'null';
}

/** Encodes a push (never carries an id). */
export function encodeMessage(event: string, payload?: unknown): string {
  return payload === undefined
    ? eventPrefix(event) + '}'
    : eventPrefix(event) + ',"payload":' + stringifyPayload(payload) + '}';
}

/** Encodes a reply from its precomputed event prefix. */
export function encodeReply(prefix: string, payload: unknown, id: string | number | undefined): string {
  return id === undefined
    ? prefix + ',"payload":' + stringifyPayload(payload) + '}'
    : prefix + ',"payload":' + stringifyPayload(payload) + ',"id":' + JSON.stringify(id) + '}';
}

const ERROR_PREFIX = eventPrefix(BuiltInEvents.ERROR);

/** Encodes `{"event":"error","payload":{code,message,event?,details?},"id"?}`. */
export function encodeError(error: WireError, id?: string | number): string {
  let details: string | undefined;
  try {
    details = error.details === undefined ? undefined : JSON.stringify(error.details);
  } catch {
    details = undefined; // un-serializable details are dropped rather than failing the error itself
  }
  const payload =
    '{"code":' +
    JSON.stringify(error.code) +
    ',"message":' +
    JSON.stringify(error.message) +
    (error.event === undefined ? '' : ',"event":' + JSON.stringify(error.event)) +
    (details === undefined ? '' : ',"details":' + details) +
    '}';
  return id === undefined
    ? ERROR_PREFIX + ',"payload":' + payload + '}'
    : ERROR_PREFIX + ',"payload":' + payload + ',"id":' + JSON.stringify(id) + '}';
}
