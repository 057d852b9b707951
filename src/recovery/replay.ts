/**
 * @module recovery/replay
 * What a resumed client is sent: the pushes of its logs after its offsets, filtered as live delivery
 * would have filtered them, with their offsets, in one order.
 */
import { compareIds, roomStream, withOffset } from '../protocol/offsets';
import type { LoggedPush, LogRead, ReadFrom, ResumeRead, SessionRecord } from './store';

/** The offsets a client presented (raw ids), per log. */
export interface ClientOffsets {
  rooms: Record<string, string>;
  direct: string;
  broadcast: string;
}

const later = (a: string, b: string): string => (compareIds(a, b) >= 0 ? a : b);

/**
 * Where each log of a session is read from: after the client's own offset, or after the point the
 * session joined it (never before: pushes from before the join were not for this client).
 */
export function readFrom(record: SessionRecord, offsets: ClientOffsets): ReadFrom {
  const rooms: Record<string, string> = {};
  for (const [room, joined] of Object.entries(record.rooms)) {
    const own = Object.prototype.hasOwnProperty.call(offsets.rooms, room) ? offsets.rooms[room] : undefined;
    rooms[room] = own === undefined ? joined : later(own, joined);
  }
  return { rooms, direct: later(offsets.direct, record.directFrom), broadcast: later(offsets.broadcast, record.broadcastFrom) };
}

/** Whether any log of a read lost pushes the client needs (trimmed, or more than the limit). */
export function hasGap(read: ResumeRead): boolean {
  return read.direct === 'gap' || read.broadcast === 'gap' || Object.values(read.rooms).some((log) => log === 'gap');
}

/** The replay: frames in id order, and per log the newest id read (live pushes up to it are duplicates). */
export function replayFrames(record: SessionRecord, read: ResumeRead): { frames: string[]; last: Map<string, string> } {
  const items: { id: string; frame: string }[] = [];
  const last = new Map<string, string>();
  const note = (stream: string, log: readonly LoggedPush[]): void => {
    const newest = log[log.length - 1];
    if (newest !== undefined) last.set(stream, newest.id);
  };
  const excluded = (push: LoggedPush): boolean => push.except !== undefined && push.except.includes(record.id);
  for (const [room, log] of Object.entries(read.rooms)) {
    if (log === 'gap') continue;
    note(roomStream(room), log);
    for (const push of log) {
      if (excluded(push)) continue;
      // A push to several rooms reached this client once, as a push of the first of them it is in.
      if (push.rooms !== undefined && push.rooms.find((r) => Object.prototype.hasOwnProperty.call(record.rooms, r)) !== room) continue;
      items.push({ id: push.id, frame: withOffset(push.data, room, push.id) });
    }
  }
  add(read.direct, 'd', (push) => withOffset(push.data, undefined, 'd' + push.id));
  add(read.broadcast, 'b', (push) => (push.path !== undefined && push.path !== record.path ? undefined : withOffset(push.data, undefined, 'b' + push.id)));
  // Ids of all logs are `<ms>-<n>` from one clock: sorting by them replays in the order things were sent.
  items.sort((a, b) => compareIds(a.id, b.id));
  return { frames: items.map((item) => item.frame), last };

  function add(log: LogRead, stream: string, frame: (push: LoggedPush) => string | undefined): void {
    if (log === 'gap') return;
    note(stream, log);
    for (const push of log) {
      if (excluded(push)) continue;
      const text = frame(push);
      if (text !== undefined) items.push({ id: push.id, frame: text });
    }
  }
}
