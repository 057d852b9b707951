/**
 * @module rooms/room-request
 * `rooms.to(...).request()`: one server request to every member of some rooms, on every node, collected
 * until the timeout or until every member answered (Socket.IO's `timeout().emitWithAck()`, never
 * unbounded). This node asks its own members; the adapter asks the others' through their own node.
 */
import type { Connection } from '../connections/connection';
import type { LocalMemberAsker, MemberRequest, MemberSink, RemoteMemberAsker, RoomReply } from '../adapter/member-requests';
import { WsException } from '../errors/ws-exception';

export type { RoomReply };

/** What `RoomTarget.request()` resolves with. */
export interface RoomRequestResult {
  /** One entry per member that answered (in the order the answers arrived). */
  replies: RoomReply[];
  /** Ids of the members that were asked and did not answer in time (or left first). */
  missing: string[];
}

/** How one app asks: its own members, and (with a cluster adapter) the other nodes'. */
export interface RoomAskers {
  readonly local: LocalMemberAsker;
  readonly remote: RemoteMemberAsker | undefined;
}

/** Asks every local member of the rooms but `except`, each once; reports to `sink`. */
export function askLocalMembers(
  roomMembers: ReadonlyMap<string, ReadonlySet<Connection>>,
  request: MemberRequest,
  sink: MemberSink,
): void {
  const except = request.except.length > 0 ? new Set(request.except) : undefined;
  const members = new Set<Connection>(); // a member of several rooms is asked once
  for (const room of request.rooms) {
    const local = roomMembers.get(room);
    if (local !== undefined) for (const member of local) if (except === undefined || !except.has(member.id)) members.add(member);
  }
  sink.asked([...members].map((member) => member.id));
  // Every member's request carries the same timeout, so the last one settles at the latest then.
  let left = members.size;
  if (left === 0) return sink.done();
  const settle = (): void => {
    if (--left === 0) sink.done();
  };
  const { event, payload, timeoutMs } = request;
  for (const member of members) {
    let asked: Promise<unknown>;
    try {
      asked = member.request(event, payload, { timeoutMs });
    } catch (error) {
      asked = Promise.reject(error as Error);
    }
    asked.then(
      (value) => {
        sink.answered({ clientId: member.id, payload: value });
        settle();
      },
      (error: unknown) => {
        // TIMEOUT / DISCONNECTED mean no answer; any other code is the member's answer.
        if (error instanceof WsException && error.code !== 'TIMEOUT' && error.code !== 'DISCONNECTED') {
          sink.answered({ clientId: member.id, error: { code: error.code, message: error.message } });
        }
        settle();
      },
    );
  }
}

/**
 * Asks here and on the other nodes; resolves when every node is done or at `request.timeoutMs`, with
 * the answers that arrived by then (later ones are ignored). Never rejects.
 */
export function requestRooms(request: MemberRequest, askers: RoomAskers): Promise<RoomRequestResult> {
  return new Promise<RoomRequestResult>((resolve) => {
    const asked: string[] = [];
    const known = new Set<string>();
    const answered = new Set<string>();
    const replies: RoomReply[] = [];
    let open = true;
    let parts = askers.remote === undefined ? 1 : 2;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      if (!open) return;
      open = false;
      clearTimeout(timer);
      resolve({ replies, missing: asked.filter((id) => !answered.has(id)) });
    };
    const partDone = (): void => {
      if (--parts === 0) finish();
    };
    const sink = {
      asked(ids: readonly string[]): void {
        if (!open) return;
        for (const id of ids) {
          if (known.has(id)) continue;
          known.add(id);
          asked.push(id);
        }
      },
      answered(reply: RoomReply): void {
        // Only members that were asked, once each, and only until the result is out.
        if (!open || !known.has(reply.clientId) || answered.has(reply.clientId)) return;
        answered.add(reply.clientId);
        replies.push(reply);
      },
    };
    askers.local(request, { ...sink, done: partDone });
    askers.remote?.(request, sink).then(partDone, partDone);
    // Armed after the members' own timers (same length), so theirs fire first and none is left pending.
    if (open) timer = setTimeout(finish, request.timeoutMs);
  });
}
