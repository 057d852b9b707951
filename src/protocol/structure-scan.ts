/**
 * @module protocol/structure-scan
 * A pass over the raw text of a large frame that counts nesting, keys per object and items per array
 * before `JSON.parse` runs, so a frame over the payload limits costs a scan up to the point where it
 * breaks one, not a full parse (60,000 keys parse in tens of milliseconds; the scan stops at key 1,001).
 * It never accepts anything by itself: frames it lets through are parsed and walked as usual.
 */

/** The limits, as the options name them. */
export interface StructureLimits {
  maxDepth: number;
  maxKeys: number;
  maxArrayLength: number;
}

/** Which limit a frame broke. */
export type LimitName = 'maxPayloadDepth' | 'maxPayloadKeys' | 'maxArrayLength';

/** Stands in for a payload that broke a limit; the handler path answers it with `PAYLOAD_TOO_COMPLEX`. */
export class PayloadOverLimit {
  constructor(
    /** The limit broken. */
    readonly limit: LimitName,
    /** Dotted path of the container that broke it, relative to the payload. */
    readonly path: string,
  ) {}
}

/** What the scan found: the broken limit, and the envelope's event and id when they are plain to see. */
export interface ScanResult {
  overLimit: PayloadOverLimit;
  event?: unknown;
  id?: unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MAX_SEGMENT = 128;

// Index of the quote closing the string that opens at `start` (or text.length).
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

function decode(token: string): unknown {
  try {
    return JSON.parse(token) as unknown;
  } catch {
    return undefined;
  }
}

interface Frame {
  array: boolean;
  /** Commas seen: items or keys so far, minus one. */
  commas: number;
  /** Where the current key's string starts (objects). */
  keyStart: number;
}

// The dotted path of the container at `frames[upTo]`: relative to the payload when it lies inside the
// envelope's `payload`, else from the envelope's own field.
function pathOf(text: string, frames: Frame[], upTo: number): string {
  const segments: string[] = [];
  for (let level = 0; level < upTo; level++) {
    const frame = frames[level]!;
    if (frame.array) {
      segments.push(String(frame.commas));
      continue;
    }
    const token = text.slice(frame.keyStart, stringEnd(text, frame.keyStart) + 1);
    if (level === 0 && token === '"payload"') continue;
    const key = decode(token);
    const name = typeof key === 'string' ? key : '?';
    segments.push(name.length > MAX_SEGMENT ? name.slice(0, MAX_SEGMENT) + '…' : name);
  }
  return segments.join('.');
}

// The usual layout, `{"event":"…",…,"id":…}`: the event first and the id last can be read from the
// two ends of the text without scanning the middle. (A member right before the final `}` and after a
// comma belongs to the outermost object; anything else is left to the scan.)
const HEAD_EVENT = /^\s*\{\s*"event"\s*:\s*("(?:[^"\\]|\\.)*")\s*[,}]/;
const TAIL_ID = /,\s*"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*")\s*\}\s*$/;
const ENDS = 1024;

// The envelope's event and id once a limit is broken: those the scan has met, else read from the ends.
function readEnds(text: string, overLimit: PayloadOverLimit, event: unknown, id: unknown): ScanResult | undefined {
  if (event === undefined) {
    const head = HEAD_EVENT.exec(text.slice(0, ENDS));
    if (head === null) return undefined; // an unusual layout: scan on
    event = decode(head[1]!);
  }
  if (id === undefined) {
    const tail = TAIL_ID.exec(text.slice(-ENDS));
    if (tail !== null) id = decode(tail[1]!);
  }
  return { overLimit, event, id };
}

// A top-level value longer than this is no event name or id worth decoding.
const MAX_TOP_VALUE = 1024;

/**
 * Scans an envelope's text. Returns `undefined` when no limit is broken (or the text is no JSON at all:
 * `JSON.parse` will say so), else the first broken limit and the envelope's `event` and `id` (spelled
 * plainly, and the id before the broken part or last; the scan stops at the limit when it can). Depth counts from the payload (the envelope is level 0). Duplicate keys count as sent.
 * The envelope's own fields count against `maxKeys` (at least 16); breaking that leaves `event` unset.
 */
export function scanStructure(text: string, limits: StructureLimits): ScanResult | undefined {
  const frames: Frame[] = [];
  let overLimit: PayloadOverLimit | undefined;
  let envelopeOverLimit = false;
  let expectKey = false;
  // Top-level `event` and `id`: where their values start, once their key was read.
  let topKey: 'event' | 'id' | undefined;
  let valueStart = -1;
  let event: unknown;
  let id: unknown;
  // The envelope's own fields: as many as an object of the payload may have, and never fewer than 16.
  const envelopeFields = Math.max(limits.maxKeys, 16);
  // A plain charCodeAt loop (strings are skipped with indexOf): a regex jumping between structural
  // characters allocates a match per token and measured several times slower on dense payloads.
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        frames[frames.length - 1]!.keyStart = i;
        if (frames.length === 1) {
          const key = text.slice(i, end + 1);
          topKey = key === '"event"' ? 'event' : key === '"id"' ? 'id' : undefined;
        }
        expectKey = false;
      }
      i = end;
    } else if (c === COLON) {
      if (frames.length === 1 && topKey !== undefined) valueStart = i + 1;
    } else if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (frames.length === 1 && valueStart !== -1) {
        const value = i - valueStart <= MAX_TOP_VALUE ? decode(text.slice(valueStart, i)) : undefined;
        if (topKey === 'event') event = value;
        else id = value;
        valueStart = -1;
        topKey = undefined;
      }
      const frame = frames[frames.length - 1];
      if (frame === undefined) break;
      if (c !== COMMA) {
        frames.pop();
        expectKey = false;
        if (frames.length === 0) break;
        continue;
      }
      frame.commas++;
      expectKey = !frame.array;
      const max = frame.array ? limits.maxArrayLength : frames.length === 1 ? envelopeFields : limits.maxKeys;
      if (overLimit === undefined && frame.commas >= max) {
        overLimit = new PayloadOverLimit(frame.array ? 'maxArrayLength' : 'maxPayloadKeys', pathOf(text, frames, frames.length - 1));
        envelopeOverLimit = frames.length === 1;
        if (envelopeOverLimit) break;
        const read = readEnds(text, overLimit, event, id);
        if (read !== undefined) return read;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      frames.push({ array: c === OPEN_ARRAY, commas: 0, keyStart: -1 });
      expectKey = c === OPEN_OBJECT;
      if (overLimit === undefined && frames.length - 1 > limits.maxDepth) {
        overLimit = new PayloadOverLimit('maxPayloadDepth', pathOf(text, frames, frames.length - 1));
        const read = readEnds(text, overLimit, event, id);
        if (read !== undefined) return read;
      }
    }
  }
  if (overLimit === undefined) return undefined;
  return envelopeOverLimit ? { overLimit } : { overLimit, event, id };
}
