/**
 * @module presence/presence-service
 * `PresenceService`: who is in a room, cluster-wide, with the app's meta per client. Entries live in
 * the adapter's presence backend (memory, or Redis); every change reaches every node as an event, and
 * each node batches it into `presence-diff` frames for its own members of the room.
 */
import type { Adapter } from '../adapter/adapter';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import { encodeMessage } from '../protocol/envelope';
import { assertRoom, type Hub } from '../rooms/hub';
import type { WsClient } from '../socket/ws-client';
import { DiffBatcher } from './diff-batcher';
import { MemoryPresenceBackend } from '../adapter/in-memory-presence';
import type { ResolvedPresenceOptions } from './options';
import type { PresenceBackend, PresenceEntry, PresencePut, PutResult } from '../adapter/presence-backend';
import { PresenceEvents } from './wire';

/** Who is in which room, with what meta (injectable singleton per app). */
export class PresenceService {
  private backend: PresenceBackend | undefined;
  private readonly batcher: DiffBatcher;
  /** Without recovery: rooms each local client was tracked in from here (its close then removes them). */
  private readonly tracked = new Map<string, Set<string>>();
  /** Tracks still running per client, and the clients whose session ended meanwhile. */
  private readonly inFlight = new Map<string, number>();
  private readonly endedDuringTrack = new Set<string>();

  /** @internal */
  constructor(
    private readonly hub: Hub,
    private readonly adapter: Adapter,
    private readonly settings: ResolvedPresenceOptions,
    /** Session recovery is on: entries outlive a connection and its node, and go when the session ends. */
    private readonly recovery: boolean,
  ) {
    this.batcher = new DiffBatcher(
      settings.diffIntervalMs,
      (room) => hub.roomMembers.has(room),
      (room, joins, leaves) => {
        hub.deliverLocal({ data: encodeMessage(PresenceEvents.DIFF, { room, joins, leaves }), rooms: [room] });
      },
    );
  }

  /** @internal Opens the backend (after the adapter's `init`) and follows session ends. */
  async start(): Promise<void> {
    const options = { onChange: this.batcher.add.bind(this.batcher), keepOnNodeLoss: this.recovery };
    this.backend = this.adapter.presence
      ? await this.adapter.presence(options)
      : new MemoryPresenceBackend({}, this.hub.nodeId, options); // an adapter without presence: this node alone
    this.hub.ended.add((clientId) => this.sessionEnded(clientId));
    this.hub.resumed.add((client) => void this.resync(client));
  }

  // A resume replays pushes, not presence diffs: the client gets the state of each of its rooms that has
  // presence entries (after the replay: sent before the socket opens, the frames queue behind it).
  private async resync(client: WsClient): Promise<void> {
    for (const room of [...client.rooms]) {
      try {
        const members = await this.backendOf().list(room);
        if (members.length > 0) client.send(encodeMessage(PresenceEvents.STATE, { room, members }));
      } catch (err) {
        this.hub.logger.warn({ err, room }, 'presence: the state for a resumed client could not be read');
      }
    }
  }

  /**
   * Tracks a client in a room with its meta (JSON-serialisable, at most `maxMetaBytes` as JSON): joins it
   * to the room if it is not a member, announces a join to the room's members (batched), and sends the
   * client `presence-state` (the room's full list). Tracking it again replaces its meta (like `update`).
   * `client` is a `WsClient` or the id of a client connected to this node. Throws `PRESENCE_LIMIT` (meta
   * too large, room full), `ROOM_LIMIT` (too many rooms for the client) or `NOT_FOUND` (no such local client).
   */
  async track(client: WsClient | string, room: string, meta: unknown = {}): Promise<void> {
    assertRoom(room);
    const target = this.local(client);
    const metaJson = this.encodeMeta(meta);
    if (target.readyState > 1) return; // closing or closed: nothing to be present
    await target.join(room);
    const id = target.id;
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    let result: PutResult;
    try {
      result = await this.put({ room, clientId: id, metaJson, mode: 'track' });
    } finally {
      const left = (this.inFlight.get(id) ?? 1) - 1;
      if (left > 0) this.inFlight.set(id, left);
      else this.inFlight.delete(id);
    }
    this.refuse(result);
    if (this.endedDuringTrack.delete(id) || (!this.recovery && target.readyState > 1)) {
      // It went away while the entry was being written: take the entry back out.
      await this.backendOf().removeClient(id);
      return;
    }
    if (!this.recovery) {
      let rooms = this.tracked.get(id);
      if (rooms === undefined) this.tracked.set(id, (rooms = new Set()));
      rooms.add(room);
    }
    await this.sendState(target, room);
  }

  /**
   * Sends a client the room's `presence-state` (the full list) without tracking it: for a member that
   * only watches, or to refresh a view (after a resume: diffs are not replayed). `client` is a `WsClient`
   * or the id of a client connected to this node.
   */
  async sync(client: WsClient | string, room: string): Promise<void> {
    assertRoom(room);
    await this.sendState(this.local(client), room);
  }

  // A raw frame: presence frames carry no recovery offset (a resume does not replay them).
  private async sendState(target: WsClient, room: string): Promise<void> {
    const members = await this.backendOf().list(room);
    target.send(encodeMessage(PresenceEvents.STATE, { room, members }));
  }

  /**
   * Replaces a tracked client's meta (announced as a leave and a join of that client; `since` is kept).
   * Resolves false when it is not tracked in the room. Works from any node (`client` may be any id).
   */
  async update(client: WsClient | string, room: string, meta: unknown): Promise<boolean> {
    assertRoom(room);
    const metaJson = this.encodeMeta(meta);
    const result = await this.put({ room, clientId: idOf(client), metaJson, mode: 'update' });
    this.refuse(result);
    return result === 'ok';
  }

  /** Removes a client's entry from a room (announced as a leave); false when it was not tracked there. Works from any node. */
  async untrack(client: WsClient | string, room: string): Promise<boolean> {
    assertRoom(room);
    const id = idOf(client);
    const rooms = this.tracked.get(id);
    rooms?.delete(room);
    if (rooms?.size === 0) this.tracked.delete(id);
    return this.backendOf().remove(room, id);
  }

  /** Everyone tracked in a room, cluster-wide, oldest first. */
  list(room: string): Promise<PresenceEntry[]> {
    assertRoom(room);
    return this.backendOf().list(room);
  }

  private put(fields: Pick<PresencePut, 'room' | 'clientId' | 'metaJson' | 'mode'>): Promise<PutResult> {
    return this.backendOf().put({
      ...fields,
      node: this.hub.nodeId,
      since: Date.now(),
      maxEntriesPerRoom: this.settings.maxEntriesPerRoom,
      maxRoomsPerClient: this.hub.maxRoomsPerClient,
    });
  }

  // A session ended (its close without recovery; with recovery its window's end, on whichever node).
  private sessionEnded(clientId: string): void {
    if (this.inFlight.has(clientId)) this.endedDuringTrack.add(clientId);
    // Without recovery only this node's own tracks can be there: other clients cost nothing.
    if (!this.recovery && !this.tracked.delete(clientId)) return;
    this.backendOf()
      .removeClient(clientId)
      .catch((err: unknown) => this.hub.logger.warn({ err, clientId }, 'presence: removing a closed client failed'));
  }

  private local(client: WsClient | string): WsClient {
    if (typeof client !== 'string') return client;
    const found = this.hub.clients.get(client);
    if (found === undefined) {
      throw new WsException(ErrorCodes.NOT_FOUND, 'presence.track needs a client connected to this node', {
        status: 404,
        details: { clientId: client },
      });
    }
    return found;
  }

  private encodeMeta(meta: unknown): string {
    let json: string | undefined;
    try {
      json = JSON.stringify(meta);
    } catch (error) {
      throw new TypeError(`Presence meta must be JSON-serialisable: ${(error as Error).message}`);
    }
    if (json === undefined) throw new TypeError('Presence meta must be JSON-serialisable (got a function or a symbol)');
    const max = this.settings.maxMetaBytes;
    // Cheap first: UTF-8 takes 1 to 3 bytes per UTF-16 unit, so only lengths in between need counting.
    if (json.length > max || (json.length * 3 > max && Buffer.byteLength(json) > max)) {
      throw new WsException(ErrorCodes.PRESENCE_LIMIT, `Presence meta is limited to ${max} bytes of JSON`, {
        status: 413,
        details: { limit: 'maxMetaBytes', max },
      });
    }
    return json;
  }

  private refuse(result: PutResult): void {
    if (result === 'room-full') {
      const max = this.settings.maxEntriesPerRoom;
      throw new WsException(ErrorCodes.PRESENCE_LIMIT, `A room may hold at most ${max} presence entries`, {
        status: 429,
        details: { limit: 'maxEntriesPerRoom', max },
      });
    }
    if (result === 'client-rooms') {
      const max = this.hub.maxRoomsPerClient;
      throw new WsException(ErrorCodes.ROOM_LIMIT, `A client may be tracked in at most ${max} rooms`, {
        status: 429,
        details: { maxRoomsPerClient: max },
      });
    }
  }

  private backendOf(): PresenceBackend {
    if (this.backend === undefined) throw new Error('PresenceService is not started yet (it starts with the app)');
    return this.backend;
  }
}

function idOf(client: WsClient | string): string {
  if (typeof client === 'string') return client;
  if (client === null || typeof client !== 'object' || typeof client.id !== 'string')
    throw new TypeError('Expected a WsClient or a client id');
  return client.id;
}
