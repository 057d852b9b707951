/**
 * @module spi/transport
 * The runtime-neutral seam between the core and a server transport: what a transport is given
 * (settings, an engine to call), and what it must provide. Each runtime implements it in one file.
 */
import type { Logger } from '../util/logger';
import type { PreparedFrame, TransportSocket } from '../socket/socket';

export { ReadyState, type PreparedFrame, type TransportSocket } from '../socket/socket';

/** Settings every transport gets from `bootstrap()` at `listen()`. */
export interface TransportContext {
  port: number;
  host?: string | undefined;
  maxPayload: number;
  logger: Logger;
  /** The user's http/https server when one was passed to `bootstrap` (only Node's transport can use it). */
  server?: unknown | undefined;
}

/** The handshake facts the core decides on, whatever the runtime. */
export interface Handshake {
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The peer's address; a transport may read it on first use (Node's costs a system call). */
  readonly remoteAddress: string;
}

/** How an upgrade was decided: a connection to open, or a refusal to write (JSON `{code, message}`). */
export type UpgradeDecision<C extends ConnectionRef = ConnectionRef> =
  | { accepted: true; connection: C }
  | { accepted: false; status: number; code: string; message: string };

/** What a transport may read of a connection: its id (for logs). Everything else is the engine's. */
export interface ConnectionRef {
  readonly id: string;
}

/**
 * What a transport calls, for every connection it carries. The connection is opaque to the
 * transport: it keeps the value `upgrade` gave and passes it back. None of these methods throws.
 */
export interface TransportEngine<C extends ConnectionRef = ConnectionRef> {
  /** Decides an upgrade (route, gates, `@OnConnect`); call before completing the WebSocket handshake. */
  upgrade(handshake: Handshake): Promise<UpgradeDecision<C>>;
  /**
   * The same decision, synchronous when every gate and `@OnConnect` hook answered synchronously (or
   * with a promise the framework knows is settled): a transport can then complete the handshake in
   * the same tick. Rejects (or throws) where `upgrade` rejects.
   */
  decide(handshake: Handshake): UpgradeDecision<C> | Promise<UpgradeDecision<C>>;
  /** The handshake completed: the socket is open. */
  open(connection: C, socket: TransportSocket): void;
  /** One frame from the peer: text frames as strings, binary frames as bytes. */
  message(connection: C, data: string | Uint8Array, isBinary: boolean): void;
  /** The socket closed (after `open`). */
  closed(connection: C, code: number, reason: string): void;
  /** An accepted upgrade will never open (the peer left during the handshake). */
  abandon(connection: C): void;
  /**
   * The transport refused an upgrade itself, before `upgrade` (a malformed handshake, a budget):
   * the engine logs and counts it like its own refusals. The transport still writes the response.
   */
  refused(handshake: Handshake, status: number, code: string, message: string): void;
  /** Whether the app stopped accepting connections. */
  readonly closing: boolean;
}

/** A server transport: accepts upgrades and feeds the engine. */
export interface Transport {
  /** Starts serving; resolves once listening. */
  listen(engine: TransportEngine, context: TransportContext): Promise<void>;
  /**
   * Sends a text message to every socket subscribed to a room, natively (e.g. Bun's `publish`).
   * When present, room broadcasts without excepts or path filters take this path.
   */
  publish?(room: string, text: string): void;
  /** Encodes a text frame once for many sockets. */
  prepare(text: string): PreparedFrame;
  /** Stops accepting upgrades and frees what the transport owns (not a user-supplied server). */
  close(): Promise<void>;
  /** The port it listens on (0 when it has none). */
  readonly port: number;
  /** The underlying server object, if any (e.g. Node's `http.Server`). */
  readonly server: unknown;
  /** Serves side routes (metrics, health, admin) next to the controllers; call before `listen()`. */
  useSideRoutes?(routes: SideRoutes): void;
}

/** A plain HTTP request, as side routes see it (runtime-neutral). */
export interface SideRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** A complete HTTP response from a side route. */
export interface SideResponse {
  status: number;
  headers?: Record<string, string> | undefined;
  body: string;
}

/** A WebSocket that is not a controller client (e.g. the admin view's): the transport feeds it. */
export interface SideChannel {
  open(socket: TransportSocket): void;
  message(data: string): void;
  closed(): void;
}

/**
 * HTTP endpoints served by the framework itself on the WebSocket server. Each method returns
 * `undefined` for paths that are not its own, so the request goes on as if it were absent.
 */
export interface SideRoutes {
  /** Answers a plain request on one of its paths. */
  request(req: SideRequest): SideResponse | Promise<SideResponse> | undefined;
  /** Claims an upgrade on one of its paths: a channel to open, or a refusal. */
  upgrade(handshake: Handshake): SideChannel | SideRefusal | undefined;
  /** Closes what the routes hold open (side-channel sockets); called when the transport closes. */
  close?(): void;
}

/** A refused side-channel upgrade (written like any refused handshake: JSON `{code, message}`). */
export interface SideRefusal {
  status: number;
  code: string;
  message: string;
}
