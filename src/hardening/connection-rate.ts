/**
 * @module hardening/connection-rate
 * A token bucket of new connections per remote address (429 past it). Message rate limits live on the
 * connection; without this, a client closed for flooding reconnects and starts with a full bucket.
 */
import type { UpgradeGate } from '../spi/extensions';
import { WsException } from '../errors/ws-exception';

/** `points` upgrades per remote address, refilled evenly over `perMs`. */
export interface ConnectionRateLimit {
  /** Upgrades allowed in a burst from one address. */
  points: number;
  /** Time in ms to refill the whole bucket. */
  perMs: number;
}

/** Refusal code of an upgrade past `connectionRateLimit` (HTTP 429). */
export const CONNECTION_RATE_LIMITED = 'CONNECTION_RATE_LIMITED';

/** Addresses tracked at most; past it the oldest is forgotten (it gets a full bucket again). */
export const MAX_TRACKED_ADDRESSES = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets by address; an address whose bucket is full again is forgotten, so memory follows recent traffic. */
export class ConnectionRate {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perToken: number;
  private sweptAt = 0;

  constructor(
    private readonly limit: ConnectionRateLimit,
    private readonly maxAddresses = MAX_TRACKED_ADDRESSES,
  ) {
    if (!(limit.points >= 1) || !(limit.perMs > 0)) throw new Error('connectionRateLimit needs points >= 1 and perMs > 0');
    this.perToken = limit.perMs / limit.points;
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `address`; returns 0 when allowed, else the ms until the next token. */
  take(address: string, now = performance.now()): number {
    if (now - this.sweptAt >= this.limit.perMs) this.sweep(now);
    const { points } = this.limit;
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: points, at: now };
      this.buckets.set(address, bucket);
    } else {
      bucket.tokens = Math.min(points, bucket.tokens + (now - bucket.at) / this.perToken);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) * this.perToken);
  }

  // Buckets untouched for a whole period are full again: the same as no entry at all.
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [address, bucket] of this.buckets) if (now - bucket.at >= this.limit.perMs) this.buckets.delete(address);
  }

  /** The gate: counts every upgrade that reaches the gates, admitted or not later. */
  readonly gate: UpgradeGate = (connection) => {
    const wait = this.take(connection.remoteAddress);
    if (wait === 0) return true;
    throw new WsException(CONNECTION_RATE_LIMITED, `Too many new connections from this address; retry in ${wait} ms`, { status: 429 });
  };
}
