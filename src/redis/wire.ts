/**
 * @module redis/wire
 * What travels through Redis. A broadcast is one header line of JSON followed by the envelope as
 * it was encoded for local clients (no second JSON escaping of the payload). Queries, notices and
 * inbox commands are small JSON objects.
 *
 * Every packet carries `w`, the version of this protocol (absent means 1: the format before the
 * field existed, which version 1 only extends). Whatever later versions change, `w` and the ack's
 * `t`, `r`, `f` stay where they are, so nodes and emitters of different versions can always tell
 * each other apart and fail loudly instead of misreading a packet.
 * Session recovery only adds fields to version 1 (`q`, `o`, `b` on broadcasts, the `takeover`
 * command), which nodes without it ignore (a `takeover` they do not know is answered false).
 */
import type { BroadcastPacket } from '../adapter/adapter';
import type { MemberRequest, RoomReply } from '../adapter/member-requests';

/** The version of the Redis protocol spoken by this code (nodes and emitters). */
export const REDIS_PROTOCOL_VERSION = 1;

/** The protocol version a packet was written in (absent: 1). */
export function versionOf(packet: { w?: unknown }): number {
  return packet.w === undefined ? 1 : typeof packet.w === 'number' ? packet.w : Number.NaN;
}

interface BroadcastHeader {
  /** Sending node (or emitter). */
  n: string;
  /** Protocol version. */
  w?: number | undefined;
  r?: readonly string[] | undefined;
  e?: readonly string[] | undefined;
  p?: string | undefined;
  /** W3C `traceparent` and `tracestate` of the publisher (nodes without tracing ignore them). */
  t?: string | undefined;
  s?: string | undefined;
  /** Session recovery: the publishing node's sequence number (its own copy is delivered too, matched by it). */
  q?: number | undefined;
  /** Session recovery: each room's log id of the push, in the order of `r`. */
  o?: readonly string[] | undefined;
  /** Session recovery: the broadcast log's id of the push. */
  b?: string | undefined;
}

/** A decoded broadcast: who sent it, in which protocol version, and the packet. */
export interface DecodedBroadcast {
  nodeId: string;
  version: number;
  packet: BroadcastPacket;
  /** A logged (recovery) push: the publisher's sequence number; its publisher delivers it from Redis too. */
  seq?: number | undefined;
}

/** Encodes a broadcast for the pub/sub channel. */
export function encodeBroadcast(nodeId: string, packet: BroadcastPacket): string {
  return `${broadcastHeader(nodeId, packet)}\n${packet.data}`;
}

/**
 * The header line of a broadcast (JSON). With `seq`, a logged push: the recovery store's script
 * appends the log ids (`o` or `b`) before the closing brace.
 */
export function broadcastHeader(nodeId: string, packet: BroadcastPacket, seq?: number): string {
  const header: BroadcastHeader = { n: nodeId, w: REDIS_PROTOCOL_VERSION };
  if (seq !== undefined) header.q = seq;
  if (packet.rooms !== undefined) header.r = packet.rooms;
  if (packet.except !== undefined && packet.except.length > 0) header.e = packet.except;
  if (packet.path !== undefined) header.p = packet.path;
  if (packet.trace !== undefined) {
    header.t = packet.trace.traceparent;
    if (packet.trace.tracestate !== undefined) header.s = packet.trace.tracestate;
  }
  return JSON.stringify(header);
}

/** Decodes a broadcast; undefined when malformed. */
export function decodeBroadcast(message: string): DecodedBroadcast | undefined {
  const cut = message.indexOf('\n');
  if (cut < 0) return undefined;
  try {
    const header = JSON.parse(message.slice(0, cut)) as BroadcastHeader;
    const packet: BroadcastPacket = { data: message.slice(cut + 1) };
    if (header.r !== undefined) packet.rooms = header.r;
    if (header.e !== undefined) packet.except = header.e;
    if (header.p !== undefined) packet.path = header.p;
    if (typeof header.t === 'string')
      packet.trace =
        typeof header.s === 'string'
          ? { traceparent: header.t, tracestate: header.s }
          : { traceparent: header.t };
    const decoded: DecodedBroadcast = { nodeId: header.n, version: versionOf(header), packet };
    if (typeof header.q === 'number') decoded.seq = header.q;
    if (typeof header.b === 'string') packet.offset = `b${header.b}`;
    const { o, r } = header;
    // fromEntries: a room named `__proto__` stays an own key.
    if (Array.isArray(o) && Array.isArray(r) && o.length === r.length)
      packet.offsets = Object.fromEntries(r.map((room, i) => [room, String(o[i])]));
    return decoded;
  } catch {
    return undefined;
  }
}

/** The cluster-wide lookups answered by every node from its local state. */
export type QueryKind = 'members' | 'ids' | 'count' | 'locate';

/** Messages on the request channel (`w`: protocol version). */
export type RequestMessage =
  // `o: 1`: asked by an emitter, which is not a node (never counted among the peers to wait for).
  | { t: 'query'; k: QueryKind; r: string; f: string; a?: string | undefined; o?: 1 | undefined; w?: number }
  | { t: 'hello'; f: string; w?: number }
  | { t: 'bye'; f: string; w?: number }
  | { t: 'gone'; f: string; n: string[]; w?: number }
  // A room request (`rooms.to(...).request()`): every node asks its own members (see room-asks.ts).
  | { t: 'ask'; r: string; f: string; q: MemberRequest; w?: number };

/**
 * What a node reports on the asker's reply channel about an `ask`, in one or more replies: the ids it
 * asked (`i`, first), the answers as they come (`a`), and `d: 1` once all its members are settled.
 */
export interface AskReport {
  i?: string[] | undefined;
  a?: RoomReply[] | undefined;
  d?: 1 | undefined;
}

/** A reply to a query, on the asking node's reply channel. */
export interface ReplyMessage {
  r: string;
  f: string;
  v: unknown;
  /** Protocol version. */
  w?: number | undefined;
}

/** The commands one node (or an emitter) asks of another node through its inbox. */
export type CommandKind = 'send' | 'disconnect' | 'join' | 'leave' | 'rooms' | 'takeover';

/** An inbox entry: a command for a client of this node, or the ack of one this node sent. */
export interface InboxMessage {
  t: CommandKind | 'ack';
  /** Request id (acks carry the id of the command they answer). */
  r: string;
  /** Sending node (or emitter). */
  f: string;
  /** Protocol version. */
  w?: number | undefined;
  /** Expiry (epoch ms): a command found after it is dropped, its sender has already given up. */
  x?: number | undefined;
  /** Target client id. */
  c?: string | undefined;
  /** Room (join, leave). */
  room?: string | undefined;
  /** Close code and reason (disconnect). */
  code?: number | undefined;
  reason?: string | undefined;
  /** The `d` field holds base64 of binary data. */
  b?: 1 | undefined;
  /** Result (acks). */
  v?: unknown | undefined;
  /** W3C `traceparent` and `tracestate` of the sender (nodes without tracing ignore them). */
  tp?: string | undefined;
  ts?: string | undefined;
}

/** Parses JSON, undefined when malformed. */
export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
