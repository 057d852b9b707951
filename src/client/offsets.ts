/**
 * @module client/offsets
 * The latest offset the client received per stream of session recovery: one per room (`<ms>-<n>`),
 * one for its direct log (`d<ms>-<n>`), one for the broadcast log (`b<ms>-<n>`). A push whose offset
 * is not after the latest of its stream was seen already (a replay overlapping live traffic) and is dropped.
 */

const ID = /^(\d{1,16})-(\d{1,16})$/;

/** Whether log id `a` comes after `b`, comparing `<ms>-<n>` as a pair of integers. */
export function isAfter(a: string, b: string): boolean {
  const x = ID.exec(a);
  const y = ID.exec(b);
  if (x === null || y === null) return true;
  const ms = Number(x[1]) - Number(y[1]);
  return ms > 0 || (ms === 0 && Number(x[2]) > Number(y[2]));
}

/** The offsets of one session, without their log letter. Rooms are in the order they were last updated, the stalest first. */
export class Offsets {
  readonly rooms = new Map<string, string>();
  /** `d` (the direct log) and `b` (the broadcast log). */
  readonly logs = new Map<string, string>();

  /**
   * Records the offset of a push (`room` is the frame's `room` field); returns false when the push is one
   * it already received. An offset of no known form is delivered and not tracked.
   */
  accept(room: unknown, offset: string): boolean {
    const log = offset[0] === 'd' || offset[0] === 'b' ? offset[0] : undefined;
    const id = log === undefined ? offset : offset.slice(1);
    const key = log ?? room;
    if (typeof key !== 'string' || !ID.test(id)) return true;
    const map = log === undefined ? this.rooms : this.logs;
    const last = map.get(key);
    if (last !== undefined && !isAfter(id, last)) return false;
    map.delete(key); // re-inserted last: the size bound leaves out the stalest rooms first
    map.set(key, id);
    return true;
  }

  /** Forgets the rooms not in `rooms` (the room list a `join-room`/`left-room` reply carries). */
  keepRooms(rooms: unknown): void {
    if (!Array.isArray(rooms)) return;
    for (const room of [...this.rooms.keys()]) if (!rooms.includes(room)) this.rooms.delete(room);
  }

  /** Forgets everything (a fresh session). */
  clear(): void {
    this.rooms.clear();
    this.logs.clear();
  }
}
