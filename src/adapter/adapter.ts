/**
 * @module adapter/adapter
 * The scale-out seam. The core always delivers to its own (local) clients first, synchronously;
 * an adapter carries what must cross to other nodes and answers cluster-wide lookups.
 * The in-memory adapter is the single-process default; `ws-controllers/redis` implements the same.
 */
import type { PresenceBackend, PresenceBackendOptions } from './presence-backend';

/** One message for many clients. */
export interface BroadcastPacket {
  /** The encoded envelope (encoded once for every recipient). */
  data: string;
  /** Only members of these rooms (any of them); all clients when absent. */
  rooms?: readonly string[] | undefined;
  /** Never these client ids. */
  except?: readonly string[] | undefined;
  /** Only clients connected on this controller path. */
  path?: string | undefined;
  /** W3C trace context of the publisher (set when tracing is on), so deliveries elsewhere join its trace. */
  trace?: TraceCarrier | undefined;
  /** With session recovery: the offset each room's log gave this push (set by the recovery store). */
  offsets?: Record<string, string> | undefined;
  /** With session recovery: the broadcast log's offset of this push, `b<id>` (set by the recovery store). */
  offset?: string | undefined;
}

/** W3C Trace Context fields carried from one node to another. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string | undefined;
}

/** What a node offers its adapter: local delivery and local lookups. */
export interface AdapterHost {
  /** This node's id (random per app). */
  readonly nodeId: string;
  /** The app's logger (adapters log through it unless given their own). */
  readonly logger?: import('../util/logger').Logger | undefined;
  /** Delivers to matching local clients; returns how many received it. */
  deliverLocal(packet: BroadcastPacket): number;
  /**
   * Sends a text (or binary) frame to one local client; false when it is not here or closed. `trace` is the
   * trace context the sending node carried with the command (see `traceContext`).
   */
  sendLocal(clientId: string, data: string | Uint8Array, trace?: TraceCarrier | undefined): boolean;
  /**
   * Like `sendLocal`, for a send another node waits on: with session recovery it resolves once the push
   * is also logged, so a `true` it answers survives this node's death; undefined when it was sent but
   * not logged (the outcome is unknown: no second copy). Adapters should prefer it.
   */
  sendLocalDurable?(clientId: string, data: string | Uint8Array, trace?: TraceCarrier | undefined): Promise<boolean | undefined>;
  /** Closes one local client; false when it is not here. */
  disconnectLocal(clientId: string, code?: number, reason?: string): boolean;
  /** Makes a local client join a room; false when it is not here. */
  joinLocal(clientId: string, room: string): Promise<boolean>;
  /** Makes a local client leave a room; false when it is not here. */
  leaveLocal(clientId: string, room: string): Promise<boolean>;
  /** Ids of local clients (on one path, or all). */
  localIds(path?: string): string[];
  /** Ids of local members of a room. */
  localMembers(room: string): string[];
  /** Rooms of a local client, or undefined when it is not here. */
  localRoomsOf(clientId: string): string[] | undefined;
  /**
   * With session recovery: closes a local connection whose session a resume took elsewhere (its socket
   * looked open: half-open TCP), without ending the session; false when it is not here.
   */
  takeOverLocal?(clientId: string): boolean;
  /** The trace context to carry with a command sent to another node now (present while tracing is on). */
  traceContext?(): TraceCarrier | undefined;
}

/** The cluster side of rooms and client targeting. Every method may be called concurrently. */
export interface Adapter {
  /** Called once at start-up, before the first connection. */
  init(host: AdapterHost): Promise<void>;
  /** A local client finished its handshake. */
  clientConnected(clientId: string, path: string): Promise<void>;
  /** A local client closed (its memberships are gone too). */
  clientDisconnected(clientId: string): Promise<void>;
  /** A local client joined a room. */
  joined(clientId: string, room: string): Promise<void>;
  /** A local client left a room. */
  left(clientId: string, room: string): Promise<void>;
  /** Sends a packet to the other nodes (local delivery has already happened). */
  publish(packet: BroadcastPacket): Promise<void>;
  /**
   * Sends to a client that is not local: true once delivered, false when no node has it open, undefined
   * when the outcome is unknown (its node did not answer in time: it may have delivered it).
   */
  sendRemote(clientId: string, data: string | Uint8Array): Promise<boolean | undefined>;
  /** Closes a client that is not local; true when it existed. */
  disconnectRemote(clientId: string, code?: number, reason?: string): Promise<boolean>;
  /** Makes a client that is not local join a room; true when it existed. */
  joinRemote(clientId: string, room: string): Promise<boolean>;
  /** Makes a client that is not local leave a room; true when it existed. */
  leaveRemote(clientId: string, room: string): Promise<boolean>;
  /** Cluster-wide members of a room. */
  members(room: string): Promise<string[]>;
  /** Cluster-wide rooms of a client (empty when unknown). */
  roomsOf(clientId: string): Promise<string[]>;
  /** Cluster-wide client ids (on one path, or all). */
  ids(path?: string): Promise<string[]>;
  /** Cluster-wide client count (on one path, or all). */
  count(path?: string): Promise<number>;
  /**
   * Leaves the cluster and frees resources. `app.close()` passes what is left of its own timeout
   * as `timeoutMs` and does not wait past it; an adapter should resolve within it, never reject.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Whether the adapter can reach the cluster now (used by `/readyz`); absent means always. */
  isConnected?(): boolean;
  /**
   * Opens this node's presence backend (called once, after `init`): entries every node shares, and a
   * node-to-node feed of their changes. Absent: presence covers this node alone.
   */
  presence?(options: PresenceBackendOptions): Promise<PresenceBackend>;
  /**
   * Makes `rooms.to(...).request()` cluster-wide; absent, it asks local members only. Called once per
   * app before `init` with how this node asks its own members when another node's request arrives;
   * returns how this node asks the members of the others.
   */
  roomRequests?(local: import('./member-requests').LocalMemberAsker): import('./member-requests').RemoteMemberAsker;
}
