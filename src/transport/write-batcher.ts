/**
 * @module transport/write-batcher
 * Coalesces the writes caused by a burst. While a frame is handled that has more frames behind it in
 * the chunk just read, every socket written to is corked until the nextTick queue runs after the
 * current I/O callback: the replies to 16 messages read in one chunk (or 8 broadcasts to the same
 * subscribers) leave in one writev instead of one each. A lone frame pays nothing: its reply goes out
 * at once, as with raw ws. A frame prepared for many recipients starts a burst that lasts the whole
 * tick: the broadcasts another node sent arrive several to one read chunk of the adapter's subscriber,
 * not through a socket of ours, and each would otherwise be one write per member. Corking needs only
 * the net socket's public cork/uncork, so this part works with the ws fast paths off too. One batcher
 * per transport; sockets know theirs.
 */

/** What the batcher needs of a socket: its net socket and a flag it owns. */
export interface BatchedSocket {
  /** The net socket the WebSocket writes to (the one the transport handed to ws). */
  readonly raw: { cork(): void; uncork(): void } | undefined;
  /** Whether the net socket is corked until the end of this tick. */
  corked: boolean;
}

/** Per-transport write coalescing. */
export class WriteBatcher {
  private burst = false;
  /** A burst that frames read meanwhile must not end (see `untilTickEnd`). */
  private wholeTick = false;
  private scheduled = false;
  private readonly held: BatchedSocket[] = [];
  private readonly endTick = (): void => {
    this.scheduled = false;
    this.burst = false;
    this.wholeTick = false;
    const held = this.held;
    for (let i = 0; i < held.length; i++) this.release(held[i]!);
    held.length = 0;
  };

  /** Called before a received frame is handled: whether more frames wait in the same chunk. */
  frame(moreBehind: boolean): void {
    this.burst = moreBehind || this.wholeTick;
  }

  /** Corks every socket written to from now until the current tick ends (fan-out: see the module note). */
  untilTickEnd(): void {
    if (this.wholeTick) return;
    this.wholeTick = true;
    this.burst = true;
    this.schedule();
  }

  /** Called before a write: during a burst, corks the socket until the tick ends. */
  hold(socket: BatchedSocket): void {
    if (!this.burst || socket.corked) return;
    const raw = socket.raw;
    if (raw === undefined) return;
    socket.corked = true;
    raw.cork();
    this.held.push(socket);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.endTick);
  }

  /** Uncorks a socket now (the slow-consumer check needs the truth); endTick skips it then. */
  release(socket: BatchedSocket): void {
    if (!socket.corked) return;
    socket.corked = false;
    socket.raw?.uncork();
  }
}
