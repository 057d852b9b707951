/**
 * @module client/browser
 * The browser entry of `ws-controllers/client` (export condition "browser"): uses the global
 * `WebSocket`, imports nothing from Node, reconnects by default.
 */
import { Client } from './client';
import type { AnyEvents, AnyPushes } from './event-map';
import type { ClientOptions } from './options';
import type { SocketConstructor } from './socket-like';

export * from './public-api';

/**
 * Connects to a controller path. Returns at once; `ready()` resolves when open.
 * @example const chat = connect<ChatEvents>('wss://example.com/chat', { query: { token } });
 */
export function connect<E extends object = AnyEvents, P extends object = AnyPushes>(url: string, options: ClientOptions = {}): Client<E, P> {
  const global = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  return new Client<E, P>(url, options, { WebSocket: global, reconnectByDefault: true });
}
