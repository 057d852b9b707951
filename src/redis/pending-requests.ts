/**
 * @module redis/pending-requests
 * Requests waiting for replies from other nodes. Every entry has a timer and is removed when it
 * settles, so the map is empty once traffic stops. A gather expects one reply per live node (the
 * set it was started with) and resolves early when all arrived or at its timeout with what arrived.
 */

interface Entry {
  /** Nodes still expected to reply (undefined for a single-reply request). */
  waiting?: Set<string> | undefined;
  replies: Map<string, unknown>;
  timer: NodeJS.Timeout;
  stop?: ((value: unknown) => boolean) | undefined;
  /** Several replies per node (`follow`): true once `from` sent its last. */
  each?: ((from: string, value: unknown) => boolean) | undefined;
  settle: () => void;
}

/** Open requests by id. */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();

  /** How many requests are waiting (0 once traffic stops). */
  get size(): number {
    return this.entries.size;
  }

  /** Waits for one reply per node in `nodes`, or until `stop(value)` is true, or the timeout. */
  gather(
    id: string,
    nodes: Iterable<string>,
    timeoutMs: number,
    stop?: (value: unknown) => boolean,
  ): Promise<Map<string, unknown>> {
    return new Promise((resolve) => {
      const waiting = new Set(nodes);
      const replies = new Map<string, unknown>();
      const settle = (): void => {
        clearTimeout(entry.timer);
        this.entries.delete(id);
        resolve(replies);
      };
      const entry: Entry = { waiting, replies, stop, settle, timer: setTimeout(settle, timeoutMs) };
      entry.timer.unref();
      this.entries.set(id, entry);
      if (waiting.size === 0) settle();
    });
  }

  /** Waits for the one reply to `id`; undefined at the timeout. */
  single(id: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve) => {
      const replies = new Map<string, unknown>();
      const settle = (): void => {
        clearTimeout(entry.timer);
        this.entries.delete(id);
        resolve(replies.values().next().value);
      };
      const entry: Entry = { replies, settle, timer: setTimeout(settle, timeoutMs) };
      entry.timer.unref();
      this.entries.set(id, entry);
    });
  }

  /**
   * Follows several replies from each node in `nodes`: `each(from, value)` returns true once that node
   * sent its last. Resolves when every node finished (or left), or at the timeout.
   */
  follow(
    id: string,
    nodes: Iterable<string>,
    timeoutMs: number,
    each: (from: string, value: unknown) => boolean,
  ): Promise<void> {
    return new Promise((resolve) => {
      const waiting = new Set(nodes);
      const settle = (): void => {
        clearTimeout(entry.timer);
        this.entries.delete(id);
        resolve();
      };
      const entry: Entry = { waiting, replies: new Map(), each, settle, timer: setTimeout(settle, timeoutMs) };
      entry.timer.unref();
      this.entries.set(id, entry);
      if (waiting.size === 0) settle();
    });
  }

  /** Records a reply (late and duplicate replies are ignored). */
  reply(id: string, from: string, value: unknown): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.each !== undefined) {
      if (entry.waiting?.has(from) === true && entry.each(from, value) && entry.waiting.delete(from) && entry.waiting.size === 0)
        entry.settle();
      return;
    }
    if (entry.waiting === undefined) {
      entry.replies.set(from, value);
      entry.settle();
      return;
    }
    if (!entry.waiting.delete(from)) return;
    entry.replies.set(from, value);
    if (entry.waiting.size === 0 || entry.stop?.(value)) entry.settle();
  }

  /** A node left or was purged: nothing more is expected from it. */
  nodeGone(nodeId: string): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.waiting?.delete(nodeId) && entry.waiting.size === 0) entry.settle();
    }
  }

  /** Settles a request now (with whatever arrived). */
  cancel(id: string): void {
    this.entries.get(id)?.settle();
  }

  /** Settles everything (at close). */
  settleAll(): void {
    for (const entry of [...this.entries.values()]) entry.settle();
  }
}
