/**
 * @module adapter/member-requests
 * The shapes of a cluster-wide room request (`rooms.to(...).request()`): what is asked, how a node
 * reports its members' answers, and the two sides an adapter connects (`Adapter.roomRequests`).
 */

/** One member's answer: its `payload`, or the `error` its handler answered with. */
export interface RoomReply {
  clientId: string;
  payload?: unknown;
  error?: { code: string; message: string };
}

/** A server request to every member of some rooms, each asked once. */
export interface MemberRequest {
  /** Members of any of these rooms are asked. */
  readonly rooms: readonly string[];
  /** Never these client ids. */
  readonly except: readonly string[];
  readonly event: string;
  /** A JSON value (it crosses to other nodes). */
  readonly payload: unknown;
  /** How long each member has to answer. */
  readonly timeoutMs: number;
}

/** Where a node reports its part of a request, in this order: `asked`, `answered` (0 or more), `done`. */
export interface MemberSink {
  /** The ids this node asked (reported once, before any answer). */
  asked(clientIds: readonly string[]): void;
  /** One member answered (with a payload or an error of its handler). */
  answered(reply: RoomReply): void;
  /** Every member this node asked has answered, timed out or left. */
  done(): void;
}

/** Asks this node's matching members and reports to `sink`. */
export type LocalMemberAsker = (request: MemberRequest, sink: MemberSink) => void;

/**
 * Asks the matching members of every other node (each node asks its own) and reports their `asked` and
 * `answered` to `sink`; resolves once every other node is done, or left, or at `request.timeoutMs`.
 * Never rejects: a node that cannot be reached simply reports nothing.
 */
export type RemoteMemberAsker = (request: MemberRequest, sink: Omit<MemberSink, 'done'>) => Promise<void>;
