/**
 * @module engine/deadline-queue
 * Many races against one fixed delay on a single timer. Entries expire in the order they were added
 * (they all wait the same time), so arming a handshake's timeout is an array push instead of a
 * `setTimeout`/`clearTimeout` pair (about 3 µs together on a small VM, at every upgrade). The timer is
 * unref'd and left to run out when the last deadline is decided (not cleared and armed again at every
 * handshake that is decided within its tick); when it fires with nothing pending it is not armed again.
 */

/** One pending deadline; `cancel` it once its race is decided. */
export interface Deadline {
  /** When it expires (performance.now() clock). */
  readonly at: number;
  /** What runs at expiry; undefined once it ran or was cancelled. */
  fire: (() => void) | undefined;
}

/** Deadlines `ms` after each `add`, on one unref'd timer. */
export class DeadlineQueue {
  private entries: Deadline[] = [];
  private head = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ms: number) {}

  /** Pending (not yet expired nor cancelled) deadlines, and cancelled ones not trimmed yet. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Whether the timer is armed (it may outlive the last deadline by up to `ms`; it never holds the process). */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Runs `fire` `ms` from now, unless the returned deadline is cancelled first. */
  add(fire: () => void): Deadline {
    const entry: Deadline = { at: performance.now() + this.ms, fire };
    this.entries.push(entry);
    if (this.timer === undefined) this.arm(this.ms);
    return entry;
  }

  /** Forgets a deadline (its race was decided); a no-op once it ran. */
  cancel(entry: Deadline): void {
    entry.fire = undefined;
    this.trim();
  }

  private arm(delay: number): void {
    this.timer = setTimeout(this.expire, Math.max(0, delay));
    this.timer.unref?.();
  }

  // Drops decided entries from the head (the array is kept, emptied, when none is left).
  private trim(): void {
    const entries = this.entries;
    let head = this.head;
    while (head < entries.length && entries[head]!.fire === undefined) head++;
    if (head === entries.length) {
      entries.length = 0;
      this.head = 0;
      return;
    }
    // Compact now and then, so a queue that never empties does not grow without bound.
    if (head >= 1024 && head * 2 >= entries.length) {
      this.entries = entries.slice(head);
      head = 0;
    }
    this.head = head;
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    // `this.entries`, not a local: a fire that cancels or adds deadlines may swap the array.
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      const fire = entry.fire;
      if (fire !== undefined && entry.at > now) break;
      this.head++;
      entry.fire = undefined;
      if (fire !== undefined) fire();
    }
    this.trim();
    if (this.head < this.entries.length && this.timer === undefined) this.arm(this.entries[this.head]!.at - now);
  };
}
