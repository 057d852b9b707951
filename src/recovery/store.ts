/**
 * @module recovery/store
 * What session recovery needs from the cluster: per-room, broadcast and per-client logs that give
 * every push an offset, and session records that outlive a connection (and, with Redis, its node).
 * The in-memory store (one process, or apps on one InMemoryBus) and the Redis store implement it.
 */
import type { AdapterHost, BroadcastPacket } from '../adapter/adapter';

/** One retained push, as a log holds it. */
export interface LoggedPush {
  /** Its id in its log, `<ms>-<n>` (the wire offset is this, with the log's prefix for `b`/`d`). */
  id: string;
  /** The envelope `{"event","payload"}` as encoded for the first delivery (no `room`/`offset` fields). */
  data: string;
  /** When it was logged (ms since the epoch, the store's clock). */
  at: number;
  /** Room pushes: every room of the packet (a push to several rooms is logged once in each). */
  rooms?: readonly string[] | undefined;
  /** Client ids it was not for. */
  except?: readonly string[] | undefined;
  /** Broadcasts: only clients on this path. */
  path?: string | undefined;
}

/** A session as stored: what a resume restores. */
export interface SessionRecord {
  id: string;
  /** Controller path it connected to (a resume must come back to the same path). */
  path: string;
  /** The secret half of its token (compared in constant time). */
  secret: string;
  /** Room -> id of that room's last logged push when the client joined it ("" for an empty log). */
  rooms: Record<string, string>;
  /** Id of the broadcast log's last push when the session started or was last resumed. */
  broadcastFrom: string;
  /** Id of the direct log's last push when the session started or was last resumed. */
  directFrom: string;
  /** JSON text of `client.data` (as saved at connect and at the drop). */
  data: string;
  /** Node holding its connection; absent while detached. */
  node?: string | undefined;
  /** While detached: when its window ends (ms since the epoch). */
  expiresAt?: number | undefined;
}

/** The result of a successful claim. */
export interface Claimed {
  record: SessionRecord;
  /** The node that still held the session (a takeover of a half-open connection); absent when detached. */
  previousNode?: string | undefined;
  /** Id of the client's direct log's last push (the resumed connection numbers on from it). */
  directLast: string;
}

/** What the store returns for one log on resume: the pushes after the offset, or `gap` when some were dropped. */
export type LogRead = readonly LoggedPush[] | 'gap';

/** Offsets a resume reads after (raw ids, no prefixes); an absent one means "from the session's start". */
export interface ReadFrom {
  rooms: Record<string, string>;
  direct: string;
  broadcast: string;
}

/** The logs of one resume. */
export interface ResumeRead {
  rooms: Record<string, LogRead>;
  direct: LogRead;
  broadcast: LogRead;
}

/** One node's view of the recovery store. Every method may be called concurrently. */
export interface RecoveryStore {
  /**
   * Logs a room push (`packet.rooms`) or a broadcast (no rooms), sets `packet.offsets` (room -> id)
   * or `packet.offset` (`b<id>`), and delivers it through `deliverLocal` on every node, this one
   * included, in log order. Resolves once logged (and, on this node, delivered).
   */
  publish(packet: BroadcastPacket): Promise<void>;
  /**
   * Writes a direct push already numbered and sent by the node holding the client (`id` is larger than
   * every id in that client's log). Written behind: awaited only when another node waits for the send's
   * answer. True once logged, false when it could not be (logged as a warning); never rejects.
   */
  appendDirect(clientId: string, id: string, data: string): boolean | Promise<boolean>;
  /** Logs a direct push for a detached session still in its window; false when there is none. */
  sendDetached(clientId: string, data: string): Promise<boolean>;
  /** Stores a new session held by this node. */
  create(record: SessionRecord): Promise<void>;
  /** Reads a session (to check its token before the handshake hooks run). */
  get(clientId: string): Promise<SessionRecord | undefined>;
  /** Takes a session for this node, if it exists and `secret` matches; detached or held elsewhere. */
  claim(clientId: string, secret: string): Promise<Claimed | undefined>;
  /** Reads what a resume must replay: at most `max` pushes per log, else `gap`. */
  read(clientId: string, from: ReadFrom, max: number): Promise<ResumeRead>;
  /** Records that a session joined a room (returns the room log's last id, kept as the join point). */
  joined(clientId: string, room: string): Promise<void>;
  /** Records that a session left a room. */
  left(clientId: string, room: string): Promise<void>;
  /**
   * Detaches a session this node holds (saving its data) until `expiresAt`; false when it is not held
   * by this node any more (taken over by a resume elsewhere).
   */
  detach(clientId: string, data: string, expiresAt: number): Promise<boolean>;
  /** Ends a session now (its record and direct log go). */
  end(clientId: string): Promise<void>;
  /** Removes and returns up to `limit` detached sessions whose window ended by `now` (each returned once, cluster-wide). */
  takeExpired(now: number, limit: number): Promise<SessionRecord[]>;
  /** A room's retained pushes, newest last (at most `limit`). */
  history(room: string, limit: number): Promise<LoggedPush[]>;
  /** Stops timers; the data stays for the other nodes. */
  close(): Promise<void>;
}

/** Recovery settings, resolved. */
export interface RecoverySettings {
  windowMs: number;
  maxPerRoom: number;
  historyTtlMs: number;
}

/** What an adapter offers when it supports recovery: a store for this node (called once, after `init`). */
export interface RecoveryCapable {
  recoveryStore(host: AdapterHost, settings: RecoverySettings): RecoveryStore;
}
