/**
 * @module protocol/offsets
 * Offsets of session recovery: Redis-stream-style ids `<ms>-<n>`, increasing within one log. A room
 * push carries its room log's id; a broadcast `b<id>`; a direct push `d<id>` (one letter names the log).
 */

/** Longest id accepted from a client (two 16-digit numbers and a dash). */
const ID = /^(\d{1,16})-(\d{1,16})$/;

/** Whether `text` is a log id `<ms>-<n>`. */
export function isLogId(text: unknown): text is string {
  return typeof text === 'string' && ID.test(text);
}

/** Compares two log ids as (ms, n) pairs; `''` is before every id. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const ma = Number(a.slice(0, da));
  const mb = Number(b.slice(0, db));
  if (ma !== mb) return ma < mb ? -1 : 1;
  const na = Number(a.slice(da + 1));
  const nb = Number(b.slice(db + 1));
  return na === nb ? 0 : na < nb ? -1 : 1;
}

/** The next id after `last` at time `now`: `<now>-0`, or `<last ms>-<n+1>` when the clock has not passed it. */
export function nextId(last: string, now: number): string {
  if (last === '') return `${now}-0`;
  const dash = last.indexOf('-');
  const ms = Number(last.slice(0, dash));
  if (now > ms) return `${now}-0`;
  return `${ms}-${Number(last.slice(dash + 1)) + 1}`;
}

/**
 * Adds `"room"` (when given) and `"offset"` to an encoded envelope `{"event",...}`: the envelope is
 * encoded once, and each log's copy costs one string concatenation.
 */
export function withOffset(envelope: string, room: string | undefined, offset: string): string {
  const head = envelope.slice(0, -1);
  return room === undefined ? `${head},"offset":"${offset}"}` : `${head},"room":${JSON.stringify(room)},"offset":"${offset}"}`;
}

/** Whether a text frame is an envelope the framework encoded (so a recovery offset can be added to it). */
export function isEnvelopeText(data: string | Uint8Array): data is string {
  return typeof data === 'string' && data.startsWith('{"event":') && data.endsWith('}');
}

/**
 * The key of a room's log among a connection's logs: `#<room>`, so no room name (`"b"`, `"d"`) can be
 * taken for the broadcast or direct log (those are `b` and `d`).
 */
export function roomStream(room: string): string {
  return '#' + room;
}
