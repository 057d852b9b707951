/** Who a client sees in a room, from the presence frames it received (as the client SDK builds it). */
import type { MemberMeta } from '../../src/chat/chat-types';

type Frame = { event?: string; payload?: unknown };
type Entry = { clientId: string; meta: MemberMeta; since: number };

/** The room's members after these frames: `presence-state` replaces the list, `presence-diff` applies leaves then joins. */
export function presenceOf(frames: readonly Frame[], room: string): Map<string, Entry> {
  let members = new Map<string, Entry>();
  for (const frame of frames) {
    const payload = frame.payload as { room?: string; members?: Entry[]; joins?: Entry[]; leaves?: Entry[] } | undefined;
    if (payload?.room !== room) continue;
    if (frame.event === 'presence-state') members = new Map((payload.members ?? []).map((entry) => [entry.clientId, entry]));
    if (frame.event === 'presence-diff') {
      for (const leave of payload.leaves ?? []) members.delete(leave.clientId);
      for (const join of payload.joins ?? []) members.set(join.clientId, join);
    }
  }
  return members;
}

/** The nicknames in the room after these frames, sorted. */
export function presenceNames(frames: readonly Frame[], room: string): string[] {
  return [...presenceOf(frames, room).values()].map((entry) => entry.meta.name).sort();
}
