/**
 * @module client/resume-query
 * The query parameters a reconnecting client resumes with: `resume=<token>` and `offsets=<JSON>`, the
 * JSON `{"rooms":{room:offset},"direct":"d…","broadcast":"b…"}` (streams never received from left out).
 */
import type { Offsets } from './offsets';

/**
 * Longest `offsets` parameter sent, URL-encoded. The server accepts a JSON of up to 8 KiB, but common
 * proxies refuse a request line past 8 KiB (nginx's default buffer), and the path, the token and the app's
 * own query need room too. URL-encoded, the JSON is never shorter than its UTF-8 bytes.
 */
export const MAX_OFFSETS_PARAM = 6144;

const encodedLength = (text: string): number => encodeURIComponent(text).length;

/**
 * The offsets JSON, at most `max` characters once URL-encoded: past it, the rooms updated longest ago are
 * left out (most likely rooms the client left; the server replays a room left out from where the session
 * joined it, or does not resume).
 */
export function offsetsJson(offsets: Offsets, max = MAX_OFFSETS_PARAM): string {
  const tail: string[] = [];
  const direct = offsets.logs.get('d');
  const broadcast = offsets.logs.get('b');
  if (direct !== undefined) tail.push(`"direct":"d${direct}"`);
  if (broadcast !== undefined) tail.push(`"broadcast":"b${broadcast}"`);
  const close = tail.length > 0 ? `},${tail.join(',')}}` : '}}';
  const entries: string[] = [];
  // `{"rooms":{` + the entries and their commas (3 characters each, encoded) + the rest.
  let size = encodedLength(`{"rooms":{${close}`) - 3;
  for (const [room, offset] of offsets.rooms) {
    const entry = `${JSON.stringify(room)}:"${offset}"`;
    entries.push(entry);
    size += encodedLength(entry) + 3;
  }
  let first = 0;
  while (size > max && first < entries.length) size -= encodedLength(entries[first++]!) + 3;
  if (first === entries.length) return `{${tail.join(',')}}`;
  return `{"rooms":{${entries.slice(first).join(',')}${close}`;
}

/** The `resume` and `offsets` parameters of the next connect, or undefined before the first session frame. */
export function resumeParams(token: string | undefined, offsets: Offsets): Array<[string, string]> | undefined {
  return token === undefined ? undefined : [['resume', token], ['offsets', offsetsJson(offsets)]];
}
