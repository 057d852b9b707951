/**
 * @module client/socket-like
 * The part of the WHATWG `WebSocket` the client uses; both the browser's and `ws`'s fit it.
 */

// Method-derived function types are compared bivariantly, so the browser's and `ws`'s handler
// signatures (which take richer event types) both fit without casts.
type Handler<E> = { bivariant(event: E): void }['bivariant'];

/** A WebSocket instance as the client sees it. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

/** A WebSocket constructor: the browser's global, `ws`, or anything compatible. */
export type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

/** The `readyState` of an open socket (same in every implementation). */
export const OPEN = 1;

/**
 * Called with every new socket by a runtime entry that can see more than the standard API (the Node
 * entry reads the HTTP status and JSON body of a refused handshake); `refused` records it.
 */
export type SocketProbe = (socket: SocketLike, refused: (status: number, body: { code?: string; message?: string }) => void) => void;
