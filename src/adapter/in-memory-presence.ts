/**
 * @module adapter/in-memory-presence
 * Presence entries in the process: one state per `InMemoryBus` (any object the adapter names), shared
 * by every app on it, so a cluster of apps in one process sees the same entries and hears every
 * change. A lone app (or an adapter without its own backend) gets a state of its own.
 */
import type { PresenceBackend, PresenceBackendOptions, PresenceChange, PresenceEntry, PresencePut, PutResult } from './presence-backend';

interface Stored {
  entry: PresenceEntry;
  node: string;
}

/** The entries and listeners of one in-process cluster. */
class SharedPresence {
  /** Room -> client id -> entry. */
  readonly rooms = new Map<string, Map<string, Stored>>();
  /** Client id -> its rooms (what a session end removes). */
  readonly clients = new Map<string, Set<string>>();
  readonly listeners = new Set<(change: PresenceChange) => void>();

  announce(change: PresenceChange): void {
    for (const listener of this.listeners) listener(change);
  }

  delete(room: string, clientId: string): Stored | undefined {
    const entries = this.rooms.get(room);
    const stored = entries?.get(clientId);
    if (entries === undefined || stored === undefined) return undefined;
    entries.delete(clientId);
    if (entries.size === 0) this.rooms.delete(room);
    const rooms = this.clients.get(clientId);
    rooms?.delete(room);
    if (rooms?.size === 0) this.clients.delete(clientId);
    return stored;
  }
}

const states = new WeakMap<object, SharedPresence>();

/** The presence backend of one node on an in-process state. */
export class MemoryPresenceBackend implements PresenceBackend {
  private readonly state: SharedPresence;
  private readonly listener: (change: PresenceChange) => void;

  /** `scope`: the object all apps of one in-process cluster share (their `InMemoryBus`); a new object for a lone node. */
  constructor(
    scope: object,
    private readonly nodeId: string,
    private readonly options: PresenceBackendOptions,
  ) {
    let state = states.get(scope);
    if (state === undefined) {
      state = new SharedPresence();
      states.set(scope, state);
    }
    this.state = state;
    this.listener = (change) => options.onChange(change);
    state.listeners.add(this.listener);
  }

  async put(put: PresencePut): Promise<PutResult> {
    const { state } = this;
    let entries = state.rooms.get(put.room);
    const previous = entries?.get(put.clientId);
    if (previous === undefined) {
      if (put.mode === 'update') return 'missing';
      if ((entries?.size ?? 0) >= put.maxEntriesPerRoom) return 'room-full';
      if ((state.clients.get(put.clientId)?.size ?? 0) >= put.maxRoomsPerClient) return 'client-rooms';
    }
    const entry: PresenceEntry = {
      clientId: put.clientId,
      meta: JSON.parse(put.metaJson) as unknown,
      since: previous?.entry.since ?? put.since,
    };
    if (entries === undefined) {
      entries = new Map();
      state.rooms.set(put.room, entries);
    }
    entries.set(put.clientId, { entry, node: put.node });
    let rooms = state.clients.get(put.clientId);
    if (rooms === undefined) {
      rooms = new Set();
      state.clients.set(put.clientId, rooms);
    }
    rooms.add(put.room);
    state.announce({ room: put.room, joins: [entry], leaves: previous ? [previous.entry] : [] });
    return 'ok';
  }

  async remove(room: string, clientId: string): Promise<boolean> {
    const stored = this.state.delete(room, clientId);
    if (stored === undefined) return false;
    this.state.announce({ room, joins: [], leaves: [stored.entry] });
    return true;
  }

  async removeClient(clientId: string): Promise<number> {
    const rooms = this.state.clients.get(clientId);
    if (rooms === undefined) return 0;
    let removed = 0;
    for (const room of [...rooms]) if (await this.remove(room, clientId)) removed++;
    return removed;
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const entries = this.state.rooms.get(room);
    if (entries === undefined) return [];
    return [...entries.values()].map((stored) => stored.entry).sort(oldestFirst);
  }

  async close(): Promise<void> {
    const { state } = this;
    state.listeners.delete(this.listener);
    if (this.options.keepOnNodeLoss) return;
    // What this node still owns (clients whose close did not run): the others hear the leaves.
    for (const [room, entries] of [...state.rooms]) {
      for (const [clientId, stored] of [...entries]) {
        if (stored.node === this.nodeId && state.delete(room, clientId))
          state.announce({ room, joins: [], leaves: [stored.entry] });
      }
    }
  }
}

/** Orders entries by `since`, then client id (a stable order for every node). */
export function oldestFirst(a: PresenceEntry, b: PresenceEntry): number {
  return a.since - b.since || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0);
}
