/**
 * @module client/options
 * Options of `connect()`.
 */
import type { ReconnectOptions } from './backoff';
import type { SocketConstructor } from './socket-like';

/** Query values appended to the URL; `undefined` values are skipped. */
export type QueryValues = Record<string, string | number | boolean | undefined>;

/** Options of `connect(url, options)`. */
export interface ClientOptions {
  /**
   * Query string values, or a function called before every (re)connect, e.g. for a fresh token.
   * @example { query: () => ({ token: auth.token() }) }
   */
  query?: QueryValues | (() => QueryValues) | undefined;
  /** WebSocket sub-protocols. */
  protocols?: string | string[] | undefined;
  /**
   * Reconnect with exponential backoff and jitter after the connection drops (or fails to open).
   * @default true in browsers, false in Node (a script or service should fail fast unless it opts in)
   */
  reconnect?: boolean | ReconnectOptions | undefined;
  /** Default `timeoutMs` of `request()`. @default 10000 */
  timeoutMs?: number | undefined;
  /** How many `emit`s are kept while disconnected; the oldest is dropped when full. @default 100 */
  queueSize?: number | undefined;
  /** The WebSocket implementation. @default globalThis.WebSocket in browsers, `ws` in Node */
  WebSocket?: SocketConstructor | undefined;
}

/** Options of one `request()`. */
export interface RequestOptions {
  /** Rejects with `TIMEOUT` when no reply arrives in time (time queued before open included). */
  timeoutMs?: number | undefined;
}

/** Lifecycle states reported by `onStatus`. */
export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
