/**
 * @module client/presence
 * The client's view of who is in a room, built from `presence-state` (the full list, sent when the
 * client is tracked) and `presence-diff` frames (leaves, then joins; an update is both).
 */
import type { PresenceMember } from './built-in-pushes';
import { Listeners, type Listener } from './listeners';

/** What changed in a room, with its members after the change. */
export interface PresenceChange<M = unknown> {
  room: string;
  members: Array<PresenceMember<M>>;
  joins: Array<PresenceMember<M>>;
  leaves: Array<PresenceMember<M>>;
}

/** The members of one room, kept up to date by the client. */
export interface PresenceView<M = unknown> {
  readonly room: string;
  /** The current members, in the order they were first seen. */
  readonly members: Array<PresenceMember<M>>;
  /** One member by client id. */
  get(clientId: string): PresenceMember<M> | undefined;
  /** Called after every change of the room's list. Returns an unsubscribe function. */
  onChange(fn: (change: PresenceChange<M>) => void): () => void;
}

// An update shows as a leave and a join; an unchanged member in a new full list as neither.
const same = (a: PresenceMember | undefined, b: PresenceMember): boolean =>
  a !== undefined && a.since === b.since && JSON.stringify(a.meta) === JSON.stringify(b.meta);

/** The member lists of every room the client hears presence frames of. */
export class PresenceBook {
  private readonly rooms = new Map<string, Map<string, PresenceMember>>();
  private readonly listeners = new Listeners();

  /** A live view of one room (empty until a frame about it arrives). */
  view<M>(room: string): PresenceView<M> {
    const members = (): Map<string, PresenceMember> | undefined => this.rooms.get(room);
    return {
      room,
      get members() {
        return [...(members()?.values() ?? [])] as Array<PresenceMember<M>>;
      },
      get: (clientId) => members()?.get(clientId) as PresenceMember<M> | undefined,
      onChange: (fn) => this.listeners.add(room, fn as Listener, false),
    };
  }

  /** A `presence-state` frame: the list is replaced; the change lists who came and went. */
  state(room: string, list: PresenceMember[]): void {
    const before = this.rooms.get(room) ?? new Map<string, PresenceMember>();
    const after = new Map(list.map((member) => [member.clientId, member]));
    const joins = list.filter((member) => !same(before.get(member.clientId), member));
    const leaves = [...before.values()].filter((member) => !same(after.get(member.clientId), member));
    this.set(room, after, joins, leaves);
  }

  /**
   * A `presence-diff` frame. What changes nothing (a join repeating what a state showed, a leave of a
   * client not listed) is left out of the change; a diff that changes nothing calls no listener.
   */
  diff(room: string, joins: PresenceMember[], leaves: PresenceMember[]): void {
    const members = this.rooms.get(room) ?? new Map<string, PresenceMember>();
    const left = leaves.filter((leave) => members.delete(leave.clientId));
    const joined = joins.filter((join) => {
      const known = same(members.get(join.clientId), join);
      members.set(join.clientId, join);
      return !known;
    });
    if (left.length > 0 || joined.length > 0) this.set(room, members, joined, left);
  }

  /** A fresh session: the client is in no room any more; every list empties. */
  clear(): void {
    for (const [room, members] of [...this.rooms]) this.set(room, new Map(), [], [...members.values()]);
  }

  private set(room: string, members: Map<string, PresenceMember>, joins: PresenceMember[], leaves: PresenceMember[]): void {
    if (members.size === 0) this.rooms.delete(room);
    else this.rooms.set(room, members);
    const change: PresenceChange = { room, members: [...members.values()], joins, leaves };
    this.listeners.dispatch(room, change);
  }
}
