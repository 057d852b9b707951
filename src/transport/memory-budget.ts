/**
 * @module transport/memory-budget
 * A budget for the bytes all connections together make the process hold: unfinished incoming
 * messages (fragments, partial frames) and outgoing bytes not yet taken by the kernel. Per-connection
 * limits alone do not bound the sum: 3,000 peers each a little under every limit still exhaust a
 * heap. Above the admission mark new upgrades are refused (503); above the budget the connections
 * holding the most are closed first (1009 for an unfinished message, 1008 for a send buffer) until
 * the eviction mark is reached. Nothing here is per address: behind a proxy every peer shares one.
 */
import { getHeapStatistics } from 'node:v8';
import { IntrusiveList, type ListLinks } from '../spi';

/** New upgrades are refused while the total is above this share of the budget. */
export const ADMIT_BELOW = 0.9;
/** Eviction closes the biggest holders until the total is at most this share of the budget. */
export const EVICT_TO = 0.75;
/** Send buffers are sampled this often (incoming bytes are counted as they arrive). */
export const SAMPLE_MS = 1000;

/** The default budget: a quarter of V8's heap limit (64 MiB-odd under `--max-old-space-size=256`). */
export function defaultMemoryBudget(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 4);
}

/** What the budget reads of a socket (and the links of the registry it is in). */
export interface BudgetedSocket extends ListLinks<BudgetedSocket> {
  /** Incoming bytes the socket holds (kept up to date by the transport). */
  heldBytes: number;
  /** Outgoing bytes queued (ws's public `bufferedAmount`). */
  readonly bufferedAmount: number;
}

/** Why a socket was closed by the budget. */
export type EvictionCause = 'message' | 'send-buffer';

/** Process-wide accounting for one transport's sockets. */
export class MemoryBudget<S extends BudgetedSocket & ListLinks<S>> {
  private inbound = 0;
  private outbound = 0;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  /** Connections closed by the budget, by cause. */
  readonly evicted: Record<EvictionCause, number> = { message: 0, 'send-buffer': 0 };
  private readonly enforceSoon = (): void => {
    this.pending = false;
    this.enforce();
  };

  constructor(
    /** Bytes; 0 or Infinity turns the budget off. */
    readonly limit: number,
    private readonly evict: (socket: S, cause: EvictionCause) => void,
    /** The transport's open sockets: the budget adds and removes them; the heartbeat reads the same list. */
    readonly sockets: IntrusiveList<S> = new IntrusiveList<S>(),
  ) {}

  /** Whether the budget is on. */
  get enabled(): boolean {
    return this.limit > 0 && Number.isFinite(this.limit);
  }

  /** Bytes held at the last count (incoming now, outgoing at the last sample). */
  get total(): number {
    return this.inbound + this.outbound;
  }

  /** Starts sampling send buffers. */
  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => this.enforce(), SAMPLE_MS);
    this.timer.unref();
  }

  /** Stops sampling and forgets every socket. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
    this.inbound = this.outbound = 0;
  }

  /** Registers an open socket (whether or not the budget is on: the heartbeat pings this set). */
  add(socket: S): void {
    this.sockets.add(socket);
  }

  /** Unregisters a socket and gives back the bytes it held. */
  delete(socket: S): void {
    if (!this.sockets.delete(socket)) return;
    this.inbound -= socket.heldBytes;
    socket.heldBytes = 0;
  }

  /** A socket's incoming bytes changed (after a chunk was read). */
  update(socket: S, held: number): void {
    if (!this.sockets.has(socket)) return;
    this.inbound += held - socket.heldBytes;
    socket.heldBytes = held;
    if (this.inbound + this.outbound > this.limit && !this.pending) {
      this.pending = true;
      setImmediate(this.enforceSoon);
    }
  }

  /** Whether a new upgrade may be accepted now. */
  admits(): boolean {
    return !this.enabled || this.inbound + this.outbound <= this.limit * ADMIT_BELOW;
  }

  /** Samples send buffers; over the budget, closes the biggest holders first. */
  enforce(): void {
    let outbound = 0;
    for (const socket of this.sockets) outbound += socket.bufferedAmount;
    this.outbound = outbound;
    let total = this.inbound + outbound;
    if (total <= this.limit) return;
    const ranked = [...this.sockets].map((socket) => ({ socket, inbound: socket.heldBytes, outbound: socket.bufferedAmount }));
    ranked.sort((a, b) => b.inbound + b.outbound - (a.inbound + a.outbound));
    const target = this.limit * EVICT_TO;
    for (const { socket, inbound, outbound: queued } of ranked) {
      if (total <= target || inbound + queued === 0) break;
      total -= inbound + queued;
      this.outbound -= queued;
      this.delete(socket);
      const cause: EvictionCause = inbound >= queued ? 'message' : 'send-buffer';
      this.evicted[cause]++;
      this.evict(socket, cause);
    }
  }
}
