/**
 * @module spi/handshake-check
 * Rejects malformed WebSocket handshakes before any controller code runs
 * (ws checks the same later, but only after `@OnConnect` would already have run).
 */
import type { IncomingMessage } from 'node:http';

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Returns why a handshake is malformed, or undefined when it is a valid RFC 6455 upgrade (any runtime). */
export function handshakeProblemOf(
  method: string,
  header: (name: string) => string | null | undefined,
): string | undefined {
  if (method !== 'GET') return 'Invalid HTTP method';
  if ((header('upgrade') ?? '').toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
  const key = header('sec-websocket-key');
  if (typeof key !== 'string' || !KEY.test(key.trim())) return 'Missing or invalid Sec-WebSocket-Key header';
  const version = header('sec-websocket-version');
  if (version !== '13' && version !== '8') return 'Missing or invalid Sec-WebSocket-Version header';
  return undefined;
}

/** The same check on a Node request. */
export function handshakeProblem(request: IncomingMessage): string | undefined {
  return handshakeProblemOf(request.method ?? '', (name) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  });
}
