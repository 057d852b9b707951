/**
 * @module rooms/room-request
 * `rooms.to(...).request()`: one server request to every member of some rooms, collected until the
 * timeout or until every member answered (Socket.IO's `timeout().emitWithAck()`, never unbounded).
 */
import type { Connection } from '../connections/connection';
import { checkRequestTimeout } from '../connections/asks';
import type { ServerRequestOptions } from '../socket/ws-client';
import { WsException } from '../errors/ws-exception';

/** One member's answer: its `payload`, or the `error` its handler answered with. */
export interface RoomReply {
  clientId: string;
  payload?: unknown;
  error?: { code: string; message: string };
}

/** What `RoomTarget.request()` resolves with. */
export interface RoomRequestResult {
  /** One entry per member that answered (in the order the answers arrived). */
  replies: RoomReply[];
  /** Ids of the members that did not answer in time (or left first). */
  missing: string[];
}

/** Asks each of `members`; resolves when all have answered or at the timeout, never rejects. */
export function requestMembers(
  members: readonly Connection[],
  event: string,
  payload: unknown,
  options: ServerRequestOptions,
): Promise<RoomRequestResult> {
  const timeoutMs = checkRequestTimeout(options);
  const replies: RoomReply[] = [];
  if (members.length === 0) return Promise.resolve({ replies, missing: [] });
  return new Promise<RoomRequestResult>((resolve) => {
    const answered = new Set<string>();
    // Every member's request carries the same timeout, so the last one settles at the latest then,
    // and no request of this call is still pending when it resolves.
    let settled = 0;
    const settle = (): void => {
      if (++settled < members.length) return;
      resolve({ replies, missing: members.filter((m) => !answered.has(m.id)).map((m) => m.id) });
    };
    for (const member of members) {
      member.request(event, payload, { timeoutMs }).then(
        (value) => {
          answered.add(member.id);
          replies.push({ clientId: member.id, payload: value });
          settle();
        },
        (error: unknown) => {
          // TIMEOUT / DISCONNECTED mean no answer; any other code is the member's answer.
          if (error instanceof WsException && error.code !== 'TIMEOUT' && error.code !== 'DISCONNECTED') {
            answered.add(member.id);
            replies.push({ clientId: member.id, error: { code: error.code, message: error.message } });
          }
          settle();
        },
      );
    }
  });
}
