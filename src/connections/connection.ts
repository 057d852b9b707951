/**
 * @module connections/connection
 * The framework's side of one connection: the `WsClient` users see, plus the socket it writes to.
 * Until `@OnConnect` finishes there is no socket yet, so outgoing frames wait in a small queue.
 */
import { CloseCodes } from '../protocol/close-codes';
import { randomId } from '../util/random-id';
import { encodeMessage } from '../protocol/envelope';
import { nextId, withOffset } from '../protocol/offsets';
import { ReadyState, type PreparedFrame, type TransportSocket } from '../spi/transport';
import type { BroadcastPacket } from '../adapter/adapter';
import type { ConnectionHandle, ControllerInfo } from '../spi/handles';
import type { ServerRequestOptions } from '../socket/ws-client';
import { Asks, checkRequestTimeout, disconnectedError } from './asks';
import type { SessionState } from './session-state';

/** What a connection asks of its app for rooms and targeting. */
export interface ConnectionHub {
  join(connection: Connection, room: string): Promise<void>;
  leave(connection: Connection, room: string): Promise<void>;
  broadcast(packet: BroadcastPacket): Promise<void>;
  sendTo(clientId: string, data: string): Promise<boolean>;
  /** Called when a socket passes the slow-consumer limit. */
  readonly maxBufferedBytes: number;
  /** Sees every text frame written to a socket (metrics); absent when unused. */
  readonly onSend?: SendTap | undefined;
}

/** Told about a text frame written to `recipients` sockets. */
export type SendTap = (text: string, recipients: number) => void;

/** Fields fixed at handshake time. */
export interface ConnectionInit {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  /** The address, or where to read it on first use (the handshake: Node's transport reads it lazily). */
  remoteAddress: string | { readonly remoteAddress: string };
  /** The id, when it is not a new one (a resumed session keeps its id). */
  id?: string | undefined;
}

type Outgoing = string | Uint8Array | PreparedFrame;

/** Streamed replies one connection may have running at a time; one more is refused with `STREAM_LIMIT`. */
export const MAX_STREAMS_PER_CONNECTION = 64;

/** Code used to close slow consumers (try again later). */
export const SLOW_CONSUMER_CLOSE_CODE = CloseCodes.SLOW_CONSUMER.code;

// `client.rooms` is a plain Set (so `toEqual(new Set([...]))`, `instanceof Set` hold) whose add, delete
// and clear throw: only the hub changes it, through Set.prototype, so memberships never drift.
const setAdd = Set.prototype.add;
const setDelete = Set.prototype.delete;
function refuseRoomChange(): never {
  throw new TypeError('client.rooms is read-only: use client.join(room) / client.leave(room)');
}
// One shared prototype between the set and Set.prototype (its `constructor` is still Set): swapping it
// in costs a tenth of defining three own properties on every connection's set (0.4-0.9 vs 3.2 µs).
const READ_ONLY_ROOMS = Object.create(Set.prototype, { add: { value: refuseRoomChange }, delete: { value: refuseRoomChange }, clear: { value: refuseRoomChange } }) as object;
function readOnlyRoomSet(): Set<string> {
  return Object.setPrototypeOf(new Set<string>(), READ_ONLY_ROOMS) as Set<string>;
}
/** The `rooms` of a connection that joined none: shared, and refusing writes. */
const NO_ROOMS: ReadonlySet<string> = readOnlyRoomSet();

/**
 * One connection; implements `WsClient` and the pipeline's `ConnectionHandle`. `C` is what the engine
 * knows of its controller (the compiled controller); lower layers only see `ControllerInfo`.
 */
export class Connection<C extends ControllerInfo = ControllerInfo> implements ConnectionHandle {
  readonly id: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: Record<string, string>;
  /** The socket, once the handshake completed. */
  socket: TransportSocket | undefined;
  /** The controller serving this connection (set before `@OnConnect` runs). */
  controller!: C;
  /** Set once the close was handled (disconnect hooks started). */
  closed = false;
  /** Session recovery state (only with `recovery` on). */
  session: SessionState | undefined = undefined;
  /** Set when server code closed it (a kick: its session is not resumable). */
  kicked = false;
  /** Set when a resume took its session elsewhere: its close must not end the session. */
  takenOver = false;
  /** @internal The engine's list of open connections (links on the connection: no hash table insert per connect). */
  listOwner: object | undefined = undefined;
  /** @internal */
  listPrev: Connection<C> | undefined = undefined;
  /** @internal */
  listNext: Connection<C> | undefined = undefined;
  // data, rooms, locals and the queue are created on first use: most connections never need some of
  // them, and at 10,000 idle connections each empty object is a measurable share of the memory.
  private dataBag: Record<string, unknown> | undefined;
  private roomsJoined: Set<string> | undefined;
  private localsBag: Record<string, unknown> | undefined;
  // The peer's address once read; until then where to read it (see resolveAddress).
  private address: string | { readonly remoteAddress: string };
  /** Frames sent before the socket is attached (only while `socket` is undefined and not closed). */
  private pending: Outgoing[] | undefined;
  private pendingClose: { code?: number; reason?: string } | undefined;
  /** Requests this server sent to the client (`request()`), created on the first one. */
  private asks: Asks | undefined;
  /** Streams replying to this client's requests, by request id: their cancel functions. */
  private streams: Map<unknown, () => void> | undefined;

  constructor(
    init: ConnectionInit,
    private readonly hub: ConnectionHub,
  ) {
    this.id = init.id ?? randomId(16);
    this.path = init.path;
    this.query = init.query;
    this.headers = init.headers;
    this.params = init.params;
    this.address = init.remoteAddress;
  }

  /** The peer's IP address (read once, on first use). */
  get remoteAddress(): string {
    const address = this.address;
    return typeof address === 'string' ? address : this.resolveAddress();
  }

  /**
   * @internal Reads the address now. The engine does it at the upgrade when it will be wanted after the
   * socket is gone (`@OnDisconnect`): a peer that reset has no address left to read.
   */
  resolveAddress(): string {
    const address = this.address;
    if (typeof address === 'string') return address;
    return (this.address = address.remoteAddress);
  }

  /** A per-connection bag for your own data. */
  get data(): Record<string, unknown> {
    return (this.dataBag ??= {});
  }

  /** Rooms joined explicitly (kept current by the hub; read-only, see `addRoom()`). */
  get rooms(): ReadonlySet<string> {
    return this.roomsJoined ?? NO_ROOMS;
  }

  /** @internal Records a joined room (the hub's side); the set is created on the first join. */
  addRoom(room: string): void {
    setAdd.call((this.roomsJoined ??= readOnlyRoomSet()), room);
  }

  /** @internal Records a left room (the hub's side). */
  removeRoom(room: string): void {
    if (this.roomsJoined !== undefined) setDelete.call(this.roomsJoined, room);
  }

  /** @internal Forgets every room (on close; the hub already removed the memberships). */
  forgetRooms(): void {
    this.roomsJoined = undefined;
  }

  /** Per-connection state other features attach (scoped containers, rate limits...). */
  get locals(): Record<string, unknown> {
    return (this.localsBag ??= Object.create(null) as Record<string, unknown>);
  }

  /** Whether this connection resumed an earlier session (session recovery). */
  get resumed(): boolean {
    return this.session?.resumed ?? false;
  }

  get readyState(): number {
    if (this.socket) return this.socket.readyState;
    return this.closed ? ReadyState.CLOSED : ReadyState.CONNECTING;
  }

  /** Attaches the socket after the handshake and flushes what was sent during `@OnConnect`. */
  attach(socket: TransportSocket): void {
    this.socket = socket;
    // Rooms joined during @OnConnect, for transports with native topics.
    if (socket.subscribe !== undefined) for (const room of this.rooms) socket.subscribe(room);
    // Recovery: the session frame and the replay go first, then the live pushes the replay lacked.
    if (this.session !== undefined) for (const text of this.session.release()) this.sendText(text);
    const queued = this.pending;
    this.pending = undefined;
    if (queued) for (const item of queued) this.write(item);
    if (this.pendingClose) socket.close(this.pendingClose.code, this.pendingClose.reason);
  }

  /** Drops the queue of a connection that never completed its handshake. */
  abandon(): void {
    this.pending = undefined;
    this.closed = true;
    this.gone();
  }

  /** @internal The connection ended: pending requests reject with `DISCONNECTED`, streams are cancelled. */
  gone(): void {
    this.resolveAddress(); // what it is now stays (and the handshake is let go)
    const asks = this.asks;
    if (asks !== undefined) asks.disconnected();
    const streams = this.streams;
    if (streams === undefined) return;
    this.streams = undefined;
    for (const cancel of streams.values()) cancel();
  }

  request(event: string, payload: unknown, options: ServerRequestOptions): Promise<unknown> {
    const timeoutMs = checkRequestTimeout(options);
    if (this.closed || this.readyState >= ReadyState.CLOSING) return Promise.reject(disconnectedError(event));
    let head: string;
    try {
      head = encodeMessage(event, payload).slice(0, -1) + ',"ack":';
    } catch (error) {
      return Promise.reject(error as Error); // e.g. a circular or BigInt payload
    }
    return (this.asks ??= new Asks()).start(event, timeoutMs, (ack) => this.sendText(head + ack + '}'));
  }

  /** @internal The client's answer to `request()`; `false` when the ack is unknown or expired. */
  answer(ack: number, payload: unknown, error: unknown): boolean {
    return this.asks !== undefined && this.asks.answer(ack, payload, error);
  }

  /** @internal Number of server requests waiting for this client's answer. */
  get pendingRequests(): number {
    return this.asks?.size ?? 0;
  }

  /** @internal Number of streams replying to this client. */
  get openStreams(): number {
    return this.streams?.size ?? 0;
  }

  /**
   * @internal Registers a stream answering request `id` (a stream already open under that id is
   * cancelled). Returns `false` when the connection already ended, `'full'` when it already has
   * `MAX_STREAMS_PER_CONNECTION` streams: the caller stops the source itself.
   */
  openStream(id: unknown, cancel: () => void): boolean | 'full' {
    if (this.closed) return false;
    const streams = (this.streams ??= new Map());
    const previous = streams.get(id);
    if (previous === undefined && streams.size >= MAX_STREAMS_PER_CONNECTION) return 'full';
    streams.set(id, cancel);
    if (previous !== undefined) previous();
    return true;
  }

  /** @internal A stream ended by itself: forget it (if `cancel` is still the one registered). */
  closeStream(id: unknown, cancel: () => void): void {
    const streams = this.streams;
    if (streams !== undefined && streams.get(id) === cancel) streams.delete(id);
  }

  /** @internal The client cancelled stream `id`; `false` when there is none. */
  cancelStream(id: string | number): boolean {
    const cancel = this.streams?.get(id);
    if (cancel === undefined) return false;
    this.streams!.delete(id);
    cancel();
    return true;
  }

  /** @internal Bytes queued on the socket (0 before it is attached). */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  emit(event: string, payload?: unknown): void {
    const text = encodeMessage(event, payload);
    if (this.session !== undefined) this.pushDirect(text);
    else this.sendText(text);
  }

  /**
   * @internal Sends an encoded envelope as a direct push of a recovery session: numbered, logged
   * (written behind) and sent with its `d` offset; held while the socket is not open yet. Returns the
   * log write (awaited only by a send another node waits on), or undefined while numbering has not started.
   */
  pushDirect(text: string): boolean | Promise<boolean> | undefined {
    const session = this.session as SessionState;
    if (!session.numbering) {
      session.waitForNumber(text);
      return undefined;
    }
    const id = nextId(session.lastDirect, Date.now());
    session.lastDirect = id;
    const logged = session.log.appendDirect(this.id, id, text);
    const framed = withOffset(text, undefined, 'd' + id);
    if (this.socket === undefined && session.holding) session.hold(framed, 'd', id);
    else this.sendText(framed);
    return logged;
  }

  /** @internal A logged room push or broadcast (recovery): held while the socket is not open yet. */
  deliverPush(frame: PreparedFrame, stream: string, id: string): void {
    const session = this.session;
    if (this.socket === undefined && session !== undefined && session.holding) {
      if (!this.closed) session.hold(frame.text, stream, id);
      return;
    }
    if (session !== undefined && session.replayed.size > 0 && session.alreadyReplayed(stream, id)) return;
    this.sendPrepared(frame);
  }

  send(raw: string | Uint8Array): void {
    this.write(raw);
  }

  /** Sends an already-encoded text frame. */
  sendText(text: string): void {
    const socket = this.socket;
    if (socket !== undefined && socket.readyState === ReadyState.OPEN) {
      socket.sendText(text);
      const onSend = this.hub.onSend;
      if (onSend !== undefined) onSend(text, 1);
      if (socket.bufferedAmount > this.hub.maxBufferedBytes) this.closeSlowConsumer(socket);
    } else if (socket === undefined && !this.closed) {
      (this.pending ??= []).push(text);
    }
  }

  /** Sends a frame prepared once for many recipients. */
  sendPrepared(frame: PreparedFrame): void {
    const socket = this.socket;
    if (socket !== undefined && socket.readyState === ReadyState.OPEN) {
      socket.sendPrepared(frame);
      if (socket.bufferedAmount > this.hub.maxBufferedBytes) this.closeSlowConsumer(socket);
    } else if (socket === undefined && !this.closed) {
      (this.pending ??= []).push(frame.text);
    }
  }

  private write(item: Outgoing): void {
    if (typeof item === 'string') return this.sendText(item);
    if (item instanceof Uint8Array) {
      const socket = this.socket;
      if (socket !== undefined && socket.readyState === ReadyState.OPEN) {
        socket.sendBinary(item);
        if (socket.bufferedAmount > this.hub.maxBufferedBytes) this.closeSlowConsumer(socket);
      } else if (socket === undefined && !this.closed) {
        (this.pending ??= []).push(item);
      }
      return;
    }
    this.sendPrepared(item);
  }

  private closeSlowConsumer(socket: TransportSocket): void {
    // Frames of this tick may only be held back for coalescing: write them out, then judge what the
    // peer really has not taken (a burst in one tick must not close a client that reads fine).
    if (socket.flush !== undefined) {
      socket.flush();
      if (socket.bufferedAmount <= this.hub.maxBufferedBytes) return;
    }
    // A reader that cannot keep up is dropped rather than buffered without bound.
    socket.close(CloseCodes.SLOW_CONSUMER.code, CloseCodes.SLOW_CONSUMER.reason);
    // The closing handshake cannot get through a full buffer either: force it.
    setTimeout(() => socket.terminate(), 1000).unref();
  }

  close(code: number = 1000, reason?: string): void {
    this.kicked = true;
    // 1000 (normal closure) by default, as ClientService.disconnect; a bare close frame would read as 1005.
    if (this.socket) this.socket.close(code, reason);
    else this.pendingClose = { code, reason };
  }

  join(room: string): Promise<void> {
    return this.hub.join(this, room);
  }

  leave(room: string): Promise<void> {
    return this.hub.leave(this, room);
  }

  toRoom(room: string, event: string, payload?: unknown): Promise<void> {
    return this.hub.broadcast({ data: encodeMessage(event, payload), rooms: [room], except: [this.id] });
  }

  to(clientId: string, event: string, payload?: unknown): Promise<boolean> {
    return this.hub.sendTo(clientId, encodeMessage(event, payload));
  }

  broadcast(event: string, payload?: unknown): Promise<void> {
    return this.hub.broadcast({ data: encodeMessage(event, payload), path: this.path, except: [this.id] });
  }
}
