/**
 * @module protocol/envelope
 * The server's wire codec: `{"event", "payload"?, "id"?}` in, replies, pushes and errors out.
 */
import { parse as secureParse, type ParseOptions } from 'secure-json-parse';
import { scanStructure, type ScanResult, type StructureLimits } from './structure-scan';
import { BuiltInEvents, type Envelope, type WireError } from './wire';

export type { Envelope, WireError };

// secure-json-parse removes `__proto__` keys, and `constructor` keys holding a `prototype`, at every depth
// and in every spelling (JSON escapes included), instead of throwing.
const SECURE: ParseOptions = { protoAction: 'remove', constructorAction: 'remove' };

// A key can spell `__proto__` or `constructor` only with the letters themselves or with `\u` escapes, so
// text with neither word and no `\u` cannot hold one and skips the library's checks. Text that may pays for
// the library's two regex scans and, only when they match, its walk: linear, whatever the client sends.
function mayHide(word: string, text: string): boolean {
  return text.includes(word) || text.includes('\\u');
}

// Any other `constructor` key goes too (as it always did): through it, a naive deep merge in a handler
// reaches `Object` itself (`{"constructor":{"assign":0}}`). Keys here are decoded, so every spelling counts.
function dropConstructorKeys(root: object): void {
  const pending: object[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (Object.prototype.hasOwnProperty.call(node, 'constructor')) delete (node as { constructor?: unknown }).constructor;
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') pending.push(child);
    }
  }
}

// Below this length JSON.parse is cheap whatever the shape, and the walk after it checks the limits.
const SCAN_MIN_LENGTH = 16 * 1024;

function validId(id: unknown): id is string | number | undefined {
  return id === undefined || typeof id === 'string' || typeof id === 'number';
}

// A large frame over a limit is never parsed: its payload becomes the marker the handler path answers.
function overLimit(scan: ScanResult): Record<string, unknown> {
  const { event, id } = scan;
  return id === undefined ? { event, payload: scan.overLimit } : { event, payload: scan.overLimit, id };
}

/** What `parseFrame` returns for text that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Parses a text frame to its JSON value (`NOT_JSON` when it is not JSON); `asEnvelope` then says
 * whether it is an envelope. Keys named `__proto__` or `constructor`, however spelled, are dropped at
 * every depth. With `limits`, a large frame that breaks one is not parsed: its top-level `event` and
 * `id` are read by the scan, and its payload is a `PayloadOverLimit`.
 */
export function parseFrame(text: string, limits?: StructureLimits): unknown {
  if (limits !== undefined && text.length >= SCAN_MIN_LENGTH) {
    const scan = scanStructure(text, limits);
    if (scan !== undefined) return overLimit(scan);
  }
  try {
    if (!mayHide('__proto__', text) && !mayHide('constructor', text)) return JSON.parse(text) as unknown;
    // JSON.parse refuses a BOM and the library would strip it: refuse it on both paths alike.
    if (text.charCodeAt(0) === 0xfeff) return NOT_JSON;
    const value = secureParse(text, undefined, SECURE) as unknown;
    if (value !== null && typeof value === 'object' && mayHide('constructor', text)) dropConstructorKeys(value);
    return value;
  } catch {
    return NOT_JSON;
  }
}

/** The envelope a parsed frame is, or `undefined` (not an object, no string `event`, or an `id` that is neither string nor number). */
export function asEnvelope(value: unknown): Envelope | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const envelope = value as Envelope;
  if (typeof envelope.event !== 'string') return undefined;
  return validId(envelope.id) ? envelope : undefined;
}

/**
 * A frame without `event` that the protocol still knows: a client's answer to a server request
 * (`{"ack": n, "payload"?}` / `{"ack": n, "error": {code, message}}`) or the cancel of a stream
 * (`{"cancel": id}`).
 */
export class ControlFrame {
  constructor(
    /** The server request answered (a positive integer), when an answer. */
    readonly ack: number | undefined,
    /** The stream request cancelled, when a cancel. */
    readonly cancel: string | number | undefined,
    readonly payload: unknown,
    readonly error: unknown,
  ) {}
}

/** The control frame a parsed frame that is no envelope is, or `undefined`. */
export function asControl(value: unknown): ControlFrame | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { event, ack, cancel, payload, error } = value as Record<string, unknown>;
  if (event !== undefined) return undefined;
  if (typeof ack === 'number' && Number.isSafeInteger(ack) && ack > 0) return new ControlFrame(ack, undefined, payload, error);
  if (typeof cancel === 'string' || typeof cancel === 'number') return new ControlFrame(undefined, cancel, undefined, undefined);
  return undefined;
}

/** Parses a text frame; returns `undefined` when it is not an envelope (see `parseFrame` and `asEnvelope`). */
export function parseEnvelope(text: string, limits?: StructureLimits): Envelope | undefined {
  return asEnvelope(parseFrame(text, limits));
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
