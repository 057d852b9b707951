/**
 * @module adapter/presence-backend
 * What presence entries and changes look like, and the backend a cluster keeps them in: shared state
 * (every node reads and writes the same entries) plus a change feed every node hears, itself included.
 */

/** One client present in one room. */
export interface PresenceEntry {
  /** The tracked client's id. */
  clientId: string;
  /** What the app attached (`track`/`update`), as JSON sends it. */
  meta: unknown;
  /** When it was tracked (ms since the epoch, the tracking node's clock); an update keeps it. */
  since: number;
}

/** What changed in one room: `leaves` apply before `joins` (an update is a leave and a join of one client). */
export interface PresenceChange {
  room: string;
  joins: PresenceEntry[];
  leaves: PresenceEntry[];
}

/** Why a backend refused a track. */
export type TrackRefusal = 'room-full' | 'client-rooms';

/** A track or update to apply (the meta already checked and encoded). */
export interface PresencePut {
  room: string;
  clientId: string;
  /** The node the client is connected to (what a purge of that node removes). */
  node: string;
  /** JSON text of the meta (at most `maxMetaBytes`). */
  metaJson: string;
  /** Used for a new entry; an existing one keeps its own. */
  since: number;
  /** `update` changes an existing entry only; `track` adds one or replaces the meta of one. */
  mode: 'track' | 'update';
  /** Entries one room may hold. */
  maxEntriesPerRoom: number;
  /** Rooms one client may be tracked in. */
  maxRoomsPerClient: number;
}

/** The outcome of a put: applied, not tracked (an update of an absent entry), or refused by a limit. */
export type PutResult = 'ok' | 'missing' | TrackRefusal;

/** How a node opens its presence backend. */
export interface PresenceBackendOptions {
  /** Called with every change in the cluster, this node's included, in the order they were applied. */
  onChange(change: PresenceChange): void;
  /**
   * Entries of a node that died or left stay (session recovery on: a session outlives its node, and
   * its entries go when it ends); otherwise they are removed and their leaves announced.
   */
  keepOnNodeLoss: boolean;
}

/** The cluster's presence entries. Every method may be called concurrently; each change is announced once. */
export interface PresenceBackend {
  /** Adds or changes one entry (announced as a join, or a leave and a join). */
  put(put: PresencePut): Promise<PutResult>;
  /** Removes one entry; false when there was none. */
  remove(room: string, clientId: string): Promise<boolean>;
  /** Removes every entry of a client (its session ended); resolves with how many there were. */
  removeClient(clientId: string): Promise<number>;
  /** The entries of a room, oldest first. */
  list(room: string): Promise<PresenceEntry[]>;
  /** Stops listening (and, unless `keepOnNodeLoss`, removes what this node still owns). */
  close(timeoutMs?: number): Promise<void>;
}
