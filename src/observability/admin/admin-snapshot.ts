/**
 * @module observability/admin/admin-snapshot
 * What the admin page shows, built from the hub and the traffic counters (one snapshot per refresh,
 * shared by every open admin page).
 */
import type { Hub } from '../../rooms/hub';
import { routeOf, type RecentError, type TrafficStats } from '../traffic-stats';
import { boundText } from '../../util/bounded-text';

/** One live connection. */
export interface AdminConnection {
  id: string;
  path: string;
  route: string;
  remoteAddress: string;
  connectedAt: number;
  /** Its first `MAX_ROOMS_SHOWN` rooms (names cut to `MAX_NAME` characters). */
  rooms: string[];
  /** How many rooms it is in. */
  roomCount: number;
  bufferedBytes: number;
}

/** One room and its local members. */
export interface AdminRoom {
  /** Cut to `MAX_NAME` characters. */
  name: string;
  size: number;
  /** Member ids (the first 50). */
  members: string[];
}

/** Traffic of one event. */
export interface AdminEvent {
  event: string;
  in: number;
  out: number;
  inPerSecond: number;
  outPerSecond: number;
  /** Mean handler time, in ms (0 for events with no handler here). */
  avgMs: number;
}

/** A refresh of the admin page. */
export interface AdminSnapshot {
  type: 'snapshot';
  at: number;
  nodeId: string;
  uptimeSeconds: number;
  totals: {
    connections: number;
    rooms: number;
    memberships: number;
    messagesIn: number;
    messagesOut: number;
    errors: number;
  };
  /** Newest first, at most `MAX_CONNECTIONS`. */
  connections: AdminConnection[];
  /** Largest first, at most `MAX_ROOMS`. */
  rooms: AdminRoom[];
  events: AdminEvent[];
  /** Newest first. */
  errors: RecentError[];
}

/** Rows sent per refresh (the totals stay exact). */
export const MAX_CONNECTIONS = 200;
export const MAX_ROOMS = 100;
const MAX_MEMBERS = 50;
/** Rooms listed per connection. */
export const MAX_ROOMS_SHOWN = 10;
/** Longest room name or path shown (clients choose them: a snapshot must not grow with them). */
export const MAX_NAME = 128;

function firstRooms(rooms: ReadonlySet<string>): string[] {
  const shown: string[] = [];
  for (const room of rooms) {
    if (shown.length === MAX_ROOMS_SHOWN) break;
    shown.push(boundText(room, MAX_NAME));
  }
  return shown;
}

/** Builds snapshots and turns counter deltas between them into rates. */
export class SnapshotBuilder {
  private readonly started = Date.now();
  private previous: { at: number; counts: Map<string, { in: number; out: number }> } | undefined;
  private rates = new Map<string, { in: number; out: number }>();

  constructor(
    private readonly hub: Hub,
    private readonly stats: TrafficStats,
  ) {}

  /** Recomputes per-second rates from the counters since the last call. */
  tick(now = Date.now()): void {
    const counts = new Map<string, { in: number; out: number }>();
    for (const e of this.stats.events.values()) counts.set(e.event, { in: e.in, out: e.out });
    const previous = this.previous;
    if (previous && now > previous.at) {
      const seconds = (now - previous.at) / 1000;
      const rates = new Map<string, { in: number; out: number }>();
      for (const [event, c] of counts) {
        const before = previous.counts.get(event) ?? { in: 0, out: 0 };
        rates.set(event, { in: (c.in - before.in) / seconds, out: (c.out - before.out) / seconds });
      }
      this.rates = rates;
    }
    this.previous = { at: now, counts };
  }

  /** The current state. */
  build(now = Date.now()): AdminSnapshot {
    const { hub, stats } = this;
    const connections: AdminConnection[] = [];
    const all = [...hub.clients.values()];
    const openedAt = (c: (typeof all)[number]): number => stats.openedAt.get(c) ?? now;
    // Newest first; rows are built only for those sent.
    all.sort((a, b) => openedAt(b) - openedAt(a));
    for (const c of all.slice(0, MAX_CONNECTIONS)) {
      connections.push({
        id: c.id,
        path: boundText(c.path, MAX_NAME),
        route: routeOf(c),
        remoteAddress: c.remoteAddress,
        connectedAt: openedAt(c),
        rooms: firstRooms(c.rooms),
        roomCount: c.rooms.size,
        bufferedBytes: c.socket?.bufferedAmount ?? 0,
      });
    }
    let memberships = 0;
    const rooms: AdminRoom[] = [];
    for (const [name, members] of hub.roomMembers) {
      memberships += members.size;
      rooms.push({ name, size: members.size, members: [] });
    }
    rooms.sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
    rooms.length = Math.min(rooms.length, MAX_ROOMS);
    for (const room of rooms) {
      for (const member of hub.roomMembers.get(room.name) ?? []) {
        if (room.members.length >= MAX_MEMBERS) break;
        room.members.push(member.id);
      }
      room.name = boundText(room.name, MAX_NAME);
    }
    let messagesIn = 0;
    let messagesOut = 0;
    const events: AdminEvent[] = [];
    for (const e of stats.events.values()) {
      messagesIn += e.in;
      messagesOut += e.out;
      if (e.in === 0 && e.out === 0) continue; // handlers that have not been called yet
      const rate = this.rates.get(e.event);
      const count = e.duration.count;
      events.push({
        event: e.event,
        in: e.in,
        out: e.out,
        inPerSecond: rate?.in ?? 0,
        outPerSecond: rate?.out ?? 0,
        avgMs: count ? (e.duration.sum / count) * 1000 : 0,
      });
    }
    events.sort((a, b) => b.in + b.out - (a.in + a.out) || a.event.localeCompare(b.event));
    let errors = 0;
    for (const n of stats.errors.values()) errors += n;
    return {
      type: 'snapshot',
      at: now,
      nodeId: hub.nodeId,
      uptimeSeconds: Math.round((now - this.started) / 1000),
      totals: {
        connections: hub.clients.size,
        rooms: hub.roomMembers.size,
        memberships,
        messagesIn,
        messagesOut,
        errors,
      },
      connections,
      rooms,
      events,
      errors: [...stats.recentErrors].reverse(),
    };
  }
}
