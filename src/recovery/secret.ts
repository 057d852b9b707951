/**
 * @module recovery/secret
 * Session secrets: random, and compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A new session secret (144 random bits, URL-safe). */
export function newSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** Compares two secrets without leaking where they differ. */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
