/**
 * @module pipeline/rate-limit
 * Token buckets per client. A message takes one token; an empty bucket answers `RATE_LIMITED`, and a
 * client refused `closeAfter` times in a row is closed with 1008 (policy violation).
 */
import { CloseCodes } from '../protocol/close-codes';
import type { ConnectionHandle } from '../spi/handles';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { RateLimitOptions } from './types';

/** Close code sent to a client that keeps flooding. */
export const RATE_LIMIT_CLOSE = CloseCodes.RATE_LIMIT;

/** Default number of consecutive refusals before the 1008 close. */
export const DEFAULT_CLOSE_AFTER = 10;

// Consecutive refusals of one connection, across every limiter that applies to it.
const STRIKES_KEY = 'ws-controllers:rate-limit-strikes';
// Set once a connection is being closed for flooding.
const FLOODED_KEY = 'ws-controllers:rate-limit-flooded';

interface Bucket {
  tokens: number;
  at: number;
}

/** One limit (global, a controller's or a handler's), with a bucket per client. */
export class RateLimiter {
  private readonly buckets = new WeakMap<ConnectionHandle, Bucket>();
  private readonly perToken: number;
  readonly closeAfter: number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.points > 0) || !(options.perMs > 0)) throw new Error('RateLimit needs points > 0 and perMs > 0');
    this.perToken = options.perMs / options.points;
    this.closeAfter = options.closeAfter === undefined ? DEFAULT_CLOSE_AFTER : options.closeAfter;
  }

  /** Takes a token; returns 0 when allowed, else the ms until the next token. */
  take(connection: ConnectionHandle, now: number): number {
    let bucket = this.buckets.get(connection);
    if (bucket === undefined) {
      bucket = { tokens: this.options.points, at: now };
      this.buckets.set(connection, bucket);
    } else {
      // Refill lazily: no timers, one subtraction per message.
      bucket.tokens = Math.min(this.options.points, bucket.tokens + (now - bucket.at) / this.perToken);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) * this.perToken);
  }
}

/**
 * Runs every limiter for a message; throws `RATE_LIMITED` (and schedules the 1008 close) when one refuses.
 * Returns `false` for a message to drop silently: its client is already being closed for flooding.
 */
export function enforceLimits(limiters: readonly RateLimiter[], connection: ConnectionHandle): boolean {
  const locals = connection.locals;
  if (locals[FLOODED_KEY] === true) return false;
  const now = performance.now();
  let wait = 0;
  let refusedBy: RateLimiter | undefined;
  for (const limiter of limiters) {
    const ms = limiter.take(connection, now);
    if (ms > wait) {
      wait = ms;
      refusedBy = limiter;
    }
  }
  if (refusedBy === undefined) {
    if (locals[STRIKES_KEY] !== undefined) locals[STRIKES_KEY] = undefined;
    return true;
  }
  const strikes = ((locals[STRIKES_KEY] as number | undefined) ?? 0) + 1;
  locals[STRIKES_KEY] = strikes;
  if (refusedBy.closeAfter > 0 && strikes >= refusedBy.closeAfter) {
    // Frames already read in this tick are dropped; the close follows the error thrown below.
    locals[FLOODED_KEY] = true;
    queueMicrotask(() => connection.close(RATE_LIMIT_CLOSE.code, RATE_LIMIT_CLOSE.reason));
  }
  throw new WsException(ErrorCodes.RATE_LIMITED, 'Too many messages', { status: 429, details: { retryAfterMs: wait } });
}
