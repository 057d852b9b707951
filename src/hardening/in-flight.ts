/**
 * @module hardening/in-flight
 * Counts handler calls still running, so a graceful shutdown can wait for them before closing sockets.
 */

/** Counts asynchronous handler calls and tells when none is left. */
export class InFlightTracker {
  private running = 0;
  private waiters: Array<() => void> = [];
  private readonly done = (): void => {
    if (--this.running === 0) this.wake();
  };

  /** Calls currently running. */
  get count(): number {
    return this.running;
  }

  /** Counts `promise` until it settles. */
  track(promise: PromiseLike<unknown>): void {
    this.running++;
    promise.then(this.done, this.done);
  }

  /** Resolves once nothing runs, or after `timeoutMs` (then `false`). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
