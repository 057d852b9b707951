/**
 * @module redis/room-subscriptions
 * On a Redis Cluster, the sharded channels of the rooms this node has local members in: subscribed
 * (`SSUBSCRIBE`, on the master of the room's slot) when the first local member joins, before the
 * join completes, so no broadcast sent after a join is missed; unsubscribed a moment after the last
 * one left (a sweep, since a disconnect does not list the rooms it leaves). The driver keeps them
 * across failovers and slot moves (node-redis-cluster-driver.ts).
 */
import type { AdapterHost } from '../adapter/adapter';
import type { ClusterMember } from './cluster-member';
import { withTimeout } from './redis-driver';

/** How long after a leave or disconnect rooms left without local members are unsubscribed. */
const SWEEP_AFTER_MS = 1000;

/** The room channels one cluster node listens to. */
export class RoomSubscriptions {
  private readonly rooms = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly member: ClusterMember,
    private readonly host: AdapterHost,
  ) {}

  /** Whether this node listens to the room's channel. */
  has(room: string): boolean {
    return this.rooms.has(room);
  }

  /** Rooms subscribed to now. */
  get size(): number {
    return this.rooms.size;
  }

  /** A local client joined `room`: listens to its channel (once per room). */
  async joined(room: string): Promise<void> {
    const { member } = this;
    if (this.rooms.has(room) || member.closed || member.onSharded === undefined) return;
    this.rooms.add(room);
    try {
      await withTimeout(
        member.driver.shardedSubscribe!([member.keys.roomChannel(room)], member.onSharded),
        member.options.requestTimeoutMs,
        'SSUBSCRIBE',
      );
    } catch (error) {
      // The driver holds the channel and retries (its master is away: after the promotion).
      member.warn('subscribe', 'Redis SSUBSCRIBE of a room channel failed', error);
    }
  }

  /** A local client left a room or disconnected: unsubscribe emptied rooms soon. */
  changed(): void {
    if (this.sweepTimer !== undefined || this.member.closed) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      this.sweep();
    }, SWEEP_AFTER_MS);
    this.sweepTimer.unref();
  }

  /** Stops sweeping (the connections close with the member). */
  close(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private sweep(): void {
    const { member } = this;
    if (member.closed || member.onSharded === undefined) return;
    const empty = [...this.rooms].filter((room) => this.host.localMembers(room).length === 0);
    for (const room of empty) {
      this.rooms.delete(room);
      member.driver
        .shardedUnsubscribe!([member.keys.roomChannel(room)], member.onSharded)
        .catch((error: unknown) => member.warn('subscribe', 'Redis SUNSUBSCRIBE of a room channel failed', error));
    }
  }
}
