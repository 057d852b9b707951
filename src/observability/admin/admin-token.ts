/**
 * @module observability/admin/admin-token
 * The admin view's access check: a shared secret, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Where a request may carry the token: `?token=` or `Authorization: Bearer <token>`. */
export function presentedToken(req: {
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}): string | undefined {
  if (req.query.token !== undefined) return req.query.token;
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1];
}

/** Whether `given` is the expected token (hashing first makes the comparison length-independent). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
