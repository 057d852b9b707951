/**
 * @module transport/heartbeat
 * One interval timer for every socket: each tick pings the sockets that answered the last ping and
 * terminates those that did not (a dead peer would otherwise hold its slot until TCP gives up).
 */

/** What the heartbeat needs from a socket. */
export interface PingableSocket {
  ping(): void;
  terminate(): void;
}

/** Pings all registered sockets every `intervalMs`; a socket that missed a pong is terminated. */
export class Heartbeat<S extends PingableSocket> {
  // true: answered since the last ping (or new); false: a ping is outstanding.
  private readonly sockets = new Map<S, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  /** Registered sockets. */
  get size(): number {
    return this.sockets.size;
  }

  /** Starts the shared timer (no-op when the interval is 0). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and forgets every socket. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sockets.clear();
  }

  add(socket: S): void {
    if (this.intervalMs > 0) this.sockets.set(socket, true);
  }

  delete(socket: S): void {
    this.sockets.delete(socket);
  }

  /** The peer answered (a pong). */
  alive(socket: S): void {
    if (this.sockets.has(socket)) this.sockets.set(socket, true);
  }

  /** One round: terminate the silent, ping the rest. */
  tick(): void {
    for (const [socket, answered] of this.sockets) {
      if (!answered) {
        this.sockets.delete(socket);
        socket.terminate();
        continue;
      }
      this.sockets.set(socket, false);
      try {
        socket.ping();
      } catch {
        // A socket that is closing throws on ping; its close event removes it.
      }
    }
  }
}
