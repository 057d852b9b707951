/**
 * @module observability/event-name
 * Reads the event name back from an encoded envelope without parsing the frame: every envelope the
 * framework encodes starts with `{"event":"<name>"`.
 */

const PREFIX = '{"event":"';
const BACKSLASH = 92;

/** The label used for frames that are not envelopes (raw sends). */
export const RAW_EVENT = '(raw)';

/** The event of an encoded envelope, or `RAW_EVENT`. */
export function eventOf(text: string): string {
  if (!text.startsWith(PREFIX)) return RAW_EVENT;
  const end = text.indexOf('"', PREFIX.length);
  if (end === -1) return RAW_EVENT;
  // An escaped character in the name (searched backwards: only the name is scanned) is rare: slow path.
  if (text.lastIndexOf('\\', end) !== -1) return slowEventOf(text);
  return text.slice(PREFIX.length, end);
}

function slowEventOf(text: string): string {
  let i = PREFIX.length;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === 34) break;
    else i++;
  }
  try {
    return JSON.parse(text.slice(PREFIX.length - 1, i + 1)) as string;
  } catch {
    return RAW_EVENT;
  }
}

/**
 * `text.startsWith(prefix)`, compared from the end: the event name's last characters differ first, so
 * a mismatch stops at once; and a plain loop is several times cheaper than V8's startsWith here.
 */
export function hasPrefix(text: string, prefix: string): boolean {
  if (text.length < prefix.length) return false;
  for (let i = prefix.length - 1; i >= 0; i--) if (text.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  return true;
}
