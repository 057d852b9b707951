/**
 * @module socket/ws-client
 * The public face of one connection, as handlers see it.
 */

/** Options of `WsClient.request()`. */
export interface ServerRequestOptions {
  /** How long to wait for the answer: mandatory (no request waits forever), positive, at most 2^31-1 ms. */
  timeoutMs: number;
}

/** One connected client. */
export interface WsClient {
  /** Random, unguessable connection id. */
  readonly id: string;
  /** The controller path the client connected to (the actual path, e.g. `/rooms/42`). */
  readonly path: string;
  /** The handshake query string as a plain object. */
  readonly query: Readonly<Record<string, string>>;
  /** The handshake headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Route parameters of a pattern path such as `/rooms/:roomId`. */
  readonly params: Readonly<Record<string, string>>;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** 0 connecting (during `@OnConnect`), 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** A per-connection bag for your own data. */
  readonly data: Record<string, unknown>;
  /** The rooms this client joined explicitly. */
  readonly rooms: ReadonlySet<string>;
  /** With session recovery: whether this connection resumed an earlier session (same id, rooms, data). */
  readonly resumed: boolean;

  /** Sends `{"event", "payload"}` to this client. */
  emit(event: string, payload?: unknown): void;
  /** Sends a raw text or binary frame. */
  send(raw: string | Uint8Array): void;
  /**
   * Asks the client (its `client.handle(event, fn)`) and resolves with its answer. Rejects with a
   * `WsException` coded `TIMEOUT`, `DISCONNECTED`, or the client's own error code (`UNKNOWN_EVENT` when
   * it has no handler). A missing or invalid `timeoutMs` throws a `TypeError`.
   */
  request(event: string, payload: unknown, options: ServerRequestOptions): Promise<unknown>;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;

  /** Joins a room. */
  join(room: string): Promise<void>;
  /** Leaves a room. */
  leave(room: string): Promise<void>;
  /** Sends to the room's members except this client. */
  toRoom(room: string, event: string, payload?: unknown): Promise<void>;
  /** Sends to one client by id (on any node); resolves `false` when it is unknown or closed. */
  to(clientId: string, event: string, payload?: unknown): Promise<boolean>;
  /** Sends to every client on the same controller path except this one. */
  broadcast(event: string, payload?: unknown): Promise<void>;
}
