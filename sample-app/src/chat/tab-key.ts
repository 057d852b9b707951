/**
 * @module sample-app/chat/tab-key
 * The page's per-tab secret (`?key=`): only its digest is kept, next to the nickname it claimed.
 */
import { createHash } from 'node:crypto';

/** A key is 16 to 64 URL-safe characters (the page sends 32 random hex digits). */
const TAB_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** The SHA-256 of a well-formed key, or `undefined` (no key, or a malformed one: treated as none). */
export function tabKeyDigest(key: string | undefined): string | undefined {
  if (key === undefined || !TAB_KEY.test(key)) return undefined;
  return createHash('sha256').update(key).digest('hex');
}
