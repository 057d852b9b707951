/**
 * @module client/outbox
 * What is sent while the connection is not open, kept in order until it opens: emits (bounded, the
 * oldest dropped) and request or stream frames (kept until they time out or are cancelled).
 */

/** One queued frame; `id` for requests and streams. */
export interface Outgoing {
  frame: string;
  id?: number | undefined;
}

/** The queue of one client. */
export class Outbox {
  private items: Outgoing[] = [];
  private emits = 0;

  /** Queues an emit; with `limit` emits queued, the oldest goes. A `limit` of 0 or less keeps none. */
  addEmit(frame: string, limit: number): void {
    if (limit <= 0) return;
    if (this.emits >= limit) {
      this.items.splice(
        this.items.findIndex((o) => o.id === undefined),
        1,
      );
      this.emits--;
    }
    this.items.push({ frame });
    this.emits++;
  }

  /** Queues the frame of request or stream `id`. */
  addCall(frame: string, id: number): void {
    this.items.push({ frame, id });
  }

  /** Drops the frame of call `id` (timed out or cancelled before it went out). */
  forget(id: number): void {
    this.items = this.items.filter((o) => o.id !== id);
  }

  /** Everything queued, in order; the queue is empty afterwards. */
  drain(): Outgoing[] {
    const items = this.items;
    this.items = [];
    this.emits = 0;
    return items;
  }
}
