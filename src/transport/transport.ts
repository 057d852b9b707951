/**
 * @module transport/transport
 * The runtime-neutral seam: what the core needs from a socket and from a server, on any runtime.
 * Nothing here imports `ws`; each runtime implements these in one file of its own.
 */
import type { ConnectionEngine } from '../engine/connection-engine';

/** WebSocket ready states, as in the browser API. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** A frame encoded once by a transport and written as-is to many sockets. */
export interface PreparedFrame {
  /** The text the frame carries (for transports that cannot reuse frames). */
  readonly text: string;
}

/** One accepted WebSocket, as the core sees it. */
export interface TransportSocket {
  readonly readyState: number;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends a text frame. */
  sendText(text: string): void;
  /** Sends a binary frame. */
  sendBinary(data: Uint8Array): void;
  /** Sends a frame prepared by the same transport. */
  sendPrepared(frame: PreparedFrame): void;
  close(code?: number, reason?: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
  /** Subscribes to a runtime-native topic (transports with a native room fan-out, e.g. Bun). */
  subscribe?(room: string): void;
  /** Leaves a runtime-native topic. */
  unsubscribe?(room: string): void;
  /** Writes out frames held back to leave in one syscall, so `bufferedAmount` counts only what the peer has not taken. */
  flush?(): void;
}

/** Settings every transport gets from `bootstrap()` at `listen()`. */
export interface TransportContext {
  port: number;
  host?: string;
  maxPayload: number;
  logger: import('../app/logger').Logger;
  /** The user's http/https server when one was passed to `bootstrap` (only Node's transport can use it). */
  server?: unknown;
}

/** The handshake facts the core decides on, whatever the runtime. */
export interface Handshake {
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string;
}

/** A server transport: accepts upgrades and feeds the engine. */
export interface Transport {
  /** Starts serving; resolves once listening. */
  listen(engine: ConnectionEngine, context: TransportContext): Promise<void>;
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
  headers?: Record<string, string>;
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
