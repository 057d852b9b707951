/**
 * @module rooms/hub
 * The node-local registry of connections and rooms, and the single place messages fan out from.
 * Local delivery always happens first and synchronously; the adapter carries the rest.
 */
import { randomBytes } from 'node:crypto';
import type { Adapter, AdapterHost, BroadcastPacket } from '../adapter/adapter';
import type { Connection, ConnectionHub, SendTap } from '../connections/connection';
import type { PreparedFrame } from '../spi/transport';
import type { Logger } from '../util/logger';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import { isEnvelopeText, roomStream, withOffset } from '../protocol/offsets';
import type { RecoveryStore } from '../recovery/store';
import { SETTLED } from '../util/thenable';

/** Where a hub gets one-for-many frames from (the transport). */
export type FramePreparer = (text: string) => PreparedFrame;

/** Default slow-consumer limit: 8 MiB queued on one socket. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Default most rooms one client may be in at a time. */
export const DEFAULT_MAX_ROOMS_PER_CLIENT = 100;

/** Node-local connections and rooms; implements both the connection and the adapter side. */
export class Hub implements ConnectionHub, AdapterHost {
  readonly nodeId = randomBytes(8).toString('hex');
  /** Connected (handshake completed) clients by id. */
  readonly clients = new Map<string, Connection>();
  /** Local members of each room; a room exists only while it has members. */
  readonly roomMembers = new Map<string, Set<Connection>>();
  prepare: FramePreparer = (text) => ({ text });
  /** Sees every text frame sent (set by metrics and the admin view). */
  onSend: SendTap | undefined = undefined;
  /**
   * Told when a client's session really ends: at its close without session recovery; with recovery, when
   * its window expires without a resume or it closed for good (1000, a kick, 4000-4999). Presence uses it.
   */
  readonly ended = new Set<(clientId: string, path: string) => void>();
  /** Told when a connection resumed a session (rooms back, replay queued): presence re-sends its state. */
  readonly resumed = new Set<(connection: Connection) => void>();
  /** The recovery store, with `recovery` on: pushes are logged (and delivered) through it. */
  store: RecoveryStore | undefined = undefined;

  constructor(
    readonly adapter: Adapter,
    /** The app's logger (adapters log through it). */
    readonly logger: Logger,
    readonly maxBufferedBytes: number = DEFAULT_MAX_BUFFERED_BYTES,
    /** Joins past it are refused with `ROOM_LIMIT`, from clients and from server code alike. */
    readonly maxRoomsPerClient: number = DEFAULT_MAX_ROOMS_PER_CLIENT,
  ) {}

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Makes a connection reachable by id, after its handshake. */
  register(connection: Connection): void {
    if (this.clients.get(connection.id) === connection) return; // a recovery session registers before it opens
    const id = connection.id;
    this.clients.set(id, connection);
    const adapter = this.adapter;
    // The rooms joined during @OnConnect, before the cluster knew the client: one after another, once
    // it is registered (a chain of thens, not an async function: a few hundred bytes less per connect).
    // A step that came back SETTLED is done already: the next one starts at once (no then, no catch).
    let registered = adapter.clientConnected(id, connection.path);
    for (const room of connection.rooms) registered = registered === SETTLED ? adapter.joined(id, room) : registered.then(() => adapter.joined(id, room));
    if (registered !== SETTLED) this.cluster(registered, 'clientConnected');
  }

  /** Removes a connection and all its memberships (on close, or when its handshake was refused). */
  unregister(connection: Connection): void {
    for (const room of connection.rooms) this.removeMember(connection, room);
    connection.forgetRooms();
    if (this.clients.get(connection.id) === connection) {
      this.clients.delete(connection.id);
      const disconnected = this.adapter.clientDisconnected(connection.id);
      if (disconnected !== SETTLED) this.cluster(disconnected, 'clientDisconnected');
    }
  }

  // Cluster bookkeeping never blocks local work; its failures are logged, never thrown.
  private cluster(promise: Promise<unknown>, what: string): void {
    promise.catch((err: unknown) => this.logger.error({ err, op: what }, 'adapter operation failed'));
  }

  // ---- rooms -----------------------------------------------------------------------------------

  /**
   * Adds a membership. Not an async function: a join with nothing to wait for (no session record to
   * update, or no socket yet, as in `@OnConnect`; or a node-local adapter) returns SETTLED.
   */
  join(connection: Connection, room: string): Promise<void> {
    try {
      assertRoom(room);
      if (connection.rooms.has(room)) return SETTLED;
      // Memberships are memory on every node and lines in every room list: a client's count is bounded.
      if (connection.rooms.size >= this.maxRoomsPerClient) {
        throw new WsException(
          ErrorCodes.ROOM_LIMIT,
          `A client may be in at most ${this.maxRoomsPerClient} rooms`,
          {
            status: 429,
            details: { maxRoomsPerClient: this.maxRoomsPerClient },
          },
        );
      }
      connection.addRoom(room);
      let members = this.roomMembers.get(room);
      if (!members) {
        members = new Set();
        this.roomMembers.set(room, members);
      }
      members.add(connection);
      connection.socket?.subscribe?.(room);
      const session = connection.session;
      // Awaited, so a join acknowledged to the client is in the session record (a node dying next loses nothing).
      if (session !== undefined && session.recorded && this.store !== undefined) {
        return this.store
          .joined(connection.id, room)
          .catch((err: unknown) => this.logger.error({ err, op: 'recovery joined' }, 'adapter operation failed'))
          .then(() => (connection.socket !== undefined ? this.adapter.joined(connection.id, room) : undefined));
      }
      if (connection.socket !== undefined) return this.adapter.joined(connection.id, room);
      return SETTLED;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async leave(connection: Connection, room: string): Promise<void> {
    if (!connection.rooms.has(room)) return;
    connection.removeRoom(room);
    this.removeMember(connection, room);
    connection.socket?.unsubscribe?.(room);
    const session = connection.session;
    if (session !== undefined && session.recorded && this.store !== undefined)
      this.cluster(this.store.left(connection.id, room), 'recovery left');
    if (connection.socket !== undefined) await this.adapter.left(connection.id, room);
  }

  private removeMember(connection: Connection, room: string): void {
    const members = this.roomMembers.get(room);
    if (!members) return;
    members.delete(connection);
    if (members.size === 0) this.roomMembers.delete(room);
  }

  // ---- delivery --------------------------------------------------------------------------------

  /** Delivers locally, then hands the packet to the other nodes. */
  async broadcast(packet: BroadcastPacket): Promise<void> {
    // With recovery the store numbers the push and delivers it on every node, this one included.
    if (this.store !== undefined) return this.store.publish(packet);
    this.deliverLocal(packet);
    await this.adapter.publish(packet);
  }

  /**
   * Delivers locally, then hands the packet to the other nodes, never through the recovery logs: for
   * framework pushes that a resume must not replay (presence diffs).
   */
  async publishEphemeral(packet: BroadcastPacket): Promise<void> {
    this.deliverLocal(packet);
    await this.adapter.publish(packet);
  }

  /** @internal Tells the `ended` listeners (a throwing listener is logged, never thrown). */
  sessionEnded(clientId: string, path: string): void {
    for (const listener of this.ended) {
      try {
        listener(clientId, path);
      } catch (err) {
        this.logger.error({ err, clientId }, 'session-end listener failed');
      }
    }
  }

  /** Sends to one client by id, here or on another node. */
  async sendTo(clientId: string, data: string | Uint8Array): Promise<boolean> {
    if (this.sendLocal(clientId, data)) return true;
    if (this.clients.has(clientId)) return false; // here, but not open
    const remote = await this.adapter.sendRemote(clientId, data);
    if (remote === true) return true;
    // Recovery: a session in its window (dropped, not resumed yet) gets it on resume. Not after an
    // unknown answer (undefined): the client's node may have delivered it, and a second copy is a duplicate.
    return remote === false && this.store !== undefined && isEnvelopeText(data)
      ? this.store.sendDetached(clientId, data)
      : false;
  }

  private publisher: ((room: string, text: string) => void) | undefined;

  /** Lets a transport with native topics (Bun) carry single-room broadcasts without excepts. */
  usePublisher(publish: (room: string, text: string) => void): void {
    this.publisher = publish;
  }

  deliverLocal(packet: BroadcastPacket): number {
    if (packet.offsets !== undefined || packet.offset !== undefined) return this.deliverLogged(packet);
    const { rooms, path } = packet;
    const except = packet.except && packet.except.length > 0 ? packet.except : undefined;
    if (this.publisher !== undefined && rooms?.length === 1 && except === undefined && path === undefined) {
      const members = this.roomMembers.get(rooms[0] as string);
      if (members === undefined) return 0;
      this.publisher(rooms[0] as string, packet.data);
      if (this.onSend !== undefined) this.onSend(packet.data, members.size);
      return members.size;
    }
    let frame: PreparedFrame | undefined;
    let delivered = 0;
    const deliver = (connection: Connection): void => {
      if (path !== undefined && connection.path !== path) return;
      if (except !== undefined && except.includes(connection.id)) return;
      // Encode and frame once, for the first recipient, then reuse the same bytes for everyone.
      frame ??= this.prepare(packet.data);
      connection.sendPrepared(frame);
      delivered++;
    };
    if (rooms === undefined) {
      for (const connection of this.clients.values()) deliver(connection);
    } else if (rooms.length === 1) {
      const members = this.roomMembers.get(rooms[0] as string);
      if (members) for (const connection of members) if (connection.socket !== undefined) deliver(connection);
    } else {
      const seen = new Set<Connection>(); // a member of several rooms receives the message once
      for (const room of rooms) {
        const members = this.roomMembers.get(room);
        if (!members) continue;
        for (const connection of members) {
          if (seen.has(connection) || connection.socket === undefined) continue;
          seen.add(connection);
          deliver(connection);
        }
      }
    }
    if (delivered > 0 && this.onSend !== undefined) this.onSend(packet.data, delivered);
    return delivered;
  }

  /**
   * Delivers a push the recovery store numbered: each recipient's copy carries the offset (and room)
   * of the first room of the packet it is in, or the broadcast offset. One frame per room, reused.
   */
  private deliverLogged(packet: BroadcastPacket): number {
    const { rooms, path, offsets } = packet;
    const except = packet.except && packet.except.length > 0 ? packet.except : undefined;
    let delivered = 0;
    const deliver = (connection: Connection, frame: PreparedFrame, stream: string, id: string): void => {
      if (path !== undefined && connection.path !== path) return;
      if (except !== undefined && except.includes(connection.id)) return;
      connection.deliverPush(frame, stream, id);
      delivered++;
    };
    let text: string | undefined;
    if (rooms === undefined) {
      const offset = packet.offset as string;
      text = withOffset(packet.data, undefined, offset);
      const frame = this.prepare(text);
      for (const connection of this.clients.values()) deliver(connection, frame, 'b', offset.slice(1));
    } else {
      const seen = rooms.length > 1 ? new Set<Connection>() : undefined; // a member of several rooms receives once
      for (const room of rooms) {
        const members = this.roomMembers.get(room);
        const id = offsets?.[room];
        if (members === undefined || id === undefined) continue;
        let frame: PreparedFrame | undefined;
        const stream = roomStream(room);
        for (const connection of members) {
          if (connection.socket === undefined && connection.session === undefined) continue;
          if (seen !== undefined) {
            if (seen.has(connection)) continue;
            seen.add(connection);
          }
          frame ??= this.prepare((text = withOffset(packet.data, room, id)));
          deliver(connection, frame, stream, id);
        }
      }
    }
    if (delivered > 0 && this.onSend !== undefined && text !== undefined) this.onSend(text, delivered);
    return delivered;
  }

  sendLocal(clientId: string, data: string | Uint8Array): boolean {
    const connection = this.clients.get(clientId);
    if (!connection || connection.closed) return false;
    // Recovery: a direct push is numbered and logged, and held if the socket is not open yet.
    if (connection.session !== undefined && isEnvelopeText(data)) {
      connection.pushDirect(data);
      return true;
    }
    if (connection.readyState !== 1) return false;
    if (typeof data === 'string') connection.sendText(data);
    else connection.send(data);
    return true;
  }

  /**
   * For a send another node waits on: with recovery, true only once the direct push is logged too;
   * undefined (unknown) when it was sent or held but not logged (Redis away, or the session was taken
   * over): it may still arrive, so the sender must not make a second copy.
   */
  async sendLocalDurable(clientId: string, data: string | Uint8Array): Promise<boolean | undefined> {
    const connection = this.clients.get(clientId);
    if (connection === undefined || connection.closed || connection.session === undefined || !isEnvelopeText(data))
      return this.sendLocal(clientId, data);
    return (await connection.pushDirect(data)) === true ? true : undefined;
  }

  disconnectLocal(clientId: string, code?: number, reason?: string): boolean {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    connection.close(code, reason);
    return true;
  }

  async joinLocal(clientId: string, room: string): Promise<boolean> {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    await this.join(connection, room);
    return true;
  }

  async leaveLocal(clientId: string, room: string): Promise<boolean> {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    await this.leave(connection, room);
    return true;
  }

  takeOverLocal(clientId: string): boolean {
    const connection = this.clients.get(clientId);
    if (!connection) return false;
    connection.takenOver = true;
    // Its peer is gone (it reconnected): no closing handshake to wait for.
    if (connection.socket !== undefined) connection.socket.terminate();
    else connection.abandon();
    return true;
  }

  localIds(path?: string): string[] {
    const ids: string[] = [];
    for (const connection of this.clients.values())
      if (path === undefined || connection.path === path) ids.push(connection.id);
    return ids;
  }

  localMembers(room: string): string[] {
    const members = this.roomMembers.get(room);
    if (!members) return [];
    const ids: string[] = [];
    for (const connection of members) if (connection.socket !== undefined) ids.push(connection.id);
    return ids;
  }

  localRoomsOf(clientId: string): string[] | undefined {
    const connection = this.clients.get(clientId);
    return connection ? [...connection.rooms] : undefined;
  }
}

/** Room names are non-empty strings. */
export function assertRoom(room: unknown): asserts room is string {
  if (typeof room !== 'string' || room.length === 0)
    throw new TypeError('A room name must be a non-empty string');
}
