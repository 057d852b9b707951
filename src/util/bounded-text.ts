/**
 * @module util/bounded-text
 * Cuts strings that come from clients before they are echoed in an error or kept by a metric, so a
 * client never chooses how many bytes the server sends back or holds on to.
 */

/** Most characters of client input an error message quotes. */
export const MAX_QUOTED_INPUT = 128;

/** `text` when it has at most `max` characters, else its start and `…`, `max` characters in all (never a split surrogate pair). */
export function boundText(text: string, max: number = MAX_QUOTED_INPUT): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // keep a pair whole rather than leave half of it
  return text.slice(0, end) + '…';
}
