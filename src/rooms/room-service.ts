/**
 * @module rooms/room-service
 * `RoomService`: memberships and room targeting by client id, injectable in any provider.
 */
import { encodeMessage } from '../protocol/envelope';
import { assertRoom, type Hub } from './hub';
import type { ServerRequestOptions } from '../socket/ws-client';
import { checkRequestTimeout } from '../connections/asks';
import { askLocalMembers, requestRooms, type RoomAskers, type RoomRequestResult } from './room-request';

export type { RoomReply, RoomRequestResult } from './room-request';

/** A set of rooms to send to, minus some clients. */
export class RoomTarget {
  constructor(
    private readonly hub: Hub,
    private readonly rooms: readonly string[],
    private readonly excluded: readonly string[] = [],
    private readonly askers: RoomAskers = localAskers(hub),
  ) {}

  /** Leaves out one or more client ids. */
  except(clientIds: string | readonly string[]): RoomTarget {
    const more = typeof clientIds === 'string' ? [clientIds] : clientIds;
    return new RoomTarget(this.hub, this.rooms, [...this.excluded, ...more], this.askers);
  }

  /** Sends `{"event", "payload"}` once to every member of any of the rooms. */
  emit(event: string, payload?: unknown): Promise<void> {
    return this.hub.broadcast({ data: encodeMessage(event, payload), rooms: this.rooms, except: this.excluded });
  }

  /**
   * Asks every member of the rooms, on every node of the cluster (each member once), and resolves at
   * the timeout, or as soon as all answered, with the answers and the ids that gave none. A missing or
   * invalid `timeoutMs` throws a `TypeError`; a payload that cannot be sent as JSON rejects.
   */
  request(event: string, payload: unknown, options: ServerRequestOptions): Promise<RoomRequestResult> {
    const timeoutMs = checkRequestTimeout(options);
    try {
      encodeMessage(event, payload); // fails here, not once per member and node (e.g. a BigInt or a cycle)
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return requestRooms({ rooms: this.rooms, except: this.excluded, event, payload, timeoutMs }, this.askers);
  }
}

/** One retained push of a room (session recovery's room log). */
export interface HistoryEntry {
  event: string;
  payload: unknown;
  /** Its offset in the room's log (what the push carried as `"offset"`). */
  offset: string;
  /** When it was sent (ms since the epoch). */
  at: number;
}

/** Options of `rooms.history()`. */
export interface HistoryOptions {
  /** At most this many, the newest. @default the log's retention (`recovery.maxPerRoom`) */
  limit?: number | undefined;
}

function localAskers(hub: Hub): RoomAskers {
  return { local: (request, sink) => askLocalMembers(hub.roomMembers, request, sink), remote: undefined };
}

/** Rooms by client id (injectable singleton per app). */
export class RoomService {
  private readonly askers: RoomAskers;

  /** @internal */
  constructor(private readonly hub: Hub) {
    // Registered at start-up (before the adapter's init), so this node answers the others' room requests.
    const { local } = localAskers(hub);
    this.askers = { local, remote: hub.adapter.roomRequests?.(local) };
  }

  /** Makes a client (on any node) join a room. */
  async join(clientId: string, room: string): Promise<void> {
    assertRoom(room);
    const local = this.hub.clients.get(clientId);
    if (local) return this.hub.join(local, room);
    await this.hub.adapter.joinRemote(clientId, room);
  }

  /** Makes a client (on any node) leave a room. */
  async leave(clientId: string, room: string): Promise<void> {
    const local = this.hub.clients.get(clientId);
    if (local) return this.hub.leave(local, room);
    await this.hub.adapter.leaveRemote(clientId, room);
  }

  /** Targets one room or several (a client in several receives once). */
  to(rooms: string | readonly string[]): RoomTarget {
    const list = typeof rooms === 'string' ? [rooms] : [...rooms];
    list.forEach(assertRoom);
    return new RoomTarget(this.hub, list, [], this.askers);
  }

  /** Ids of the room's members. */
  members(room: string): Promise<string[]> {
    return this.hub.adapter.members(room);
  }

  /** Rooms a client joined explicitly. */
  roomsOf(clientId: string): Promise<string[]> {
    return this.hub.adapter.roomsOf(clientId);
  }

  /**
   * The room's retained pushes, newest last, cluster-wide (what a chat shows on join). Needs
   * `bootstrap({ recovery })`: without it there is no room log and this throws.
   */
  async history(room: string, options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    assertRoom(room);
    const store = this.hub.store;
    if (store === undefined) throw new Error('rooms.history() needs session recovery: bootstrap(AppModule, { recovery: { ... } })');
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(limit) || limit < 0) throw new TypeError('history limit must be a non-negative integer');
    if (limit === 0) return [];
    const pushes = await store.history(room, limit);
    return pushes.map((push) => {
      const envelope = JSON.parse(push.data) as { event: string; payload?: unknown };
      return { event: envelope.event, payload: envelope.payload, offset: push.id, at: push.at };
    });
  }
}
