/**
 * @module transport/heartbeat
 * One interval timer for every socket: each tick pings the sockets that answered the last ping and
 * terminates those that did not (a dead peer would otherwise hold its slot until TCP gives up).
 */

/** What the heartbeat needs from a socket. */
export interface PingableSocket {
  /** A ping is outstanding (set by the heartbeat, cleared by a pong). */
  awaitingPong: boolean;
  ping(): void;
  terminate(): void;
}

/**
 * Pings every socket of `sockets` every `intervalMs`; a socket that missed a pong is terminated. The set
 * is the transport's own registry (shared with the memory budget): one insert per connection, not two.
 */
export class Heartbeat<S extends PingableSocket> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly sockets: Iterable<S> & { readonly size: number },
  ) {}

  /** Sockets it pings (none when the interval is 0). */
  get size(): number {
    return this.intervalMs > 0 ? this.sockets.size : 0;
  }

  /** Starts the shared timer (no-op when the interval is 0). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The peer answered (a pong). */
  alive(socket: S): void {
    socket.awaitingPong = false;
  }

  /** One round: terminate the silent, ping the rest. */
  tick(): void {
    for (const socket of this.sockets) {
      // Terminated: its close event removes it from the set (a second terminate is a no-op).
      if (socket.awaitingPong) {
        socket.terminate();
        continue;
      }
      socket.awaitingPong = true;
      try {
        socket.ping();
      } catch {
        // A socket that is closing throws on ping; its close event removes it.
      }
    }
  }
}
