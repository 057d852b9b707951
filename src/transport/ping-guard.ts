/**
 * @module transport/ping-guard
 * Caps the pings a peer may send. `ws` answers every ping with a pong, so a peer that floods pings
 * and never reads makes the server queue pongs without bound; past the cap the peer is closed with
 * 1008 (policy violation). Legitimate clients ping every few seconds at most (browsers never do).
 */
import { CloseCodes } from '../spi';

/** Close code and reason for a peer that sent too many pings. */
export const PING_FLOOD_CLOSE = CloseCodes.PING_FLOOD;

/** Window the ping budget applies to. */
export const PING_WINDOW_MS = 10_000;

interface Budget {
  start: number;
  count: number;
}

/** Counts pings per socket in fixed 10-second windows. */
export class PingGuard<S extends object> {
  private readonly budgets = new WeakMap<S, Budget>();

  /** `limit` pings per window; 0 means no limit. */
  constructor(private readonly limit: number) {}

  /** Whether the guard is active. */
  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Records a ping; false when the socket went over its budget. */
  allow(socket: S, now = Date.now()): boolean {
    let budget = this.budgets.get(socket);
    if (budget === undefined || now - budget.start >= PING_WINDOW_MS) {
      budget = { start: now, count: 0 };
      this.budgets.set(socket, budget);
    }
    return ++budget.count <= this.limit;
  }
}
