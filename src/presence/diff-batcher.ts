/**
 * @module presence/diff-batcher
 * Merges one node's view of presence changes into at most one `presence-diff` per room per interval,
 * for that node's own members of the room. Per client, the interval's net change is kept: a join then
 * a leave of the same entry cancels out; a leave then a join (an update, a re-track) stays a leave of
 * what members last saw and a join of what is there now.
 */
import type { PresenceChange, PresenceEntry } from '../adapter/presence-backend';

/** What one client did in a room during the interval. */
interface Net {
  /** The entry members saw before the interval (to remove), if any. */
  leave?: PresenceEntry | undefined;
  /** The entry now (to add), if any. */
  join?: PresenceEntry | undefined;
}

interface PendingRoom {
  readonly clients: Map<string, Net>;
  readonly timer: NodeJS.Timeout;
}

/** What a batch flush delivers. */
export type DiffSink = (room: string, joins: PresenceEntry[], leaves: PresenceEntry[]) => void;

/** Batches changes per room: the first change of a quiet room starts the room's interval; its end flushes. */
export class DiffBatcher {
  private readonly pending = new Map<string, PendingRoom>();

  constructor(
    private readonly intervalMs: number,
    /** Whether this node has members of the room (changes of other rooms are not kept). */
    private readonly hasMembers: (room: string) => boolean,
    private readonly sink: DiffSink,
  ) {}

  /** Rooms waiting for their flush. */
  get size(): number {
    return this.pending.size;
  }

  /** Takes one change into its room's batch. */
  add(change: PresenceChange): void {
    const { room } = change;
    let batch = this.pending.get(room);
    if (batch === undefined) {
      if (!this.hasMembers(room)) return;
      const timer = setTimeout(() => this.flush(room), this.intervalMs);
      timer.unref();
      batch = { clients: new Map(), timer };
      this.pending.set(room, batch);
    }
    for (const entry of change.leaves) {
      const net = batch.clients.get(entry.clientId);
      if (net === undefined) batch.clients.set(entry.clientId, { leave: entry });
      else if (net.leave === undefined) batch.clients.delete(entry.clientId); // joined and left within the interval
      else net.join = undefined;
    }
    for (const entry of change.joins) {
      const net = batch.clients.get(entry.clientId);
      if (net === undefined) batch.clients.set(entry.clientId, { join: entry });
      else net.join = entry;
    }
  }

  /** Sends a room's batch now (called by its timer). */
  private flush(room: string): void {
    const batch = this.pending.get(room);
    if (batch === undefined) return;
    this.pending.delete(room);
    const joins: PresenceEntry[] = [];
    const leaves: PresenceEntry[] = [];
    for (const net of batch.clients.values()) {
      if (net.leave !== undefined) leaves.push(net.leave);
      if (net.join !== undefined) joins.push(net.join);
    }
    if (joins.length > 0 || leaves.length > 0) this.sink(room, joins, leaves);
  }

  /** Drops every batch (the app is closing). */
  clear(): void {
    for (const batch of this.pending.values()) clearTimeout(batch.timer);
    this.pending.clear();
  }
}
