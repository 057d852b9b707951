/**
 * @module transport/handshake-check
 * Rejects malformed WebSocket handshakes before any controller code runs
 * (ws checks the same later, but only after `@OnConnect` would already have run).
 */
import type { IncomingMessage } from 'node:http';

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Returns why a handshake is malformed, or undefined when it is a valid RFC 6455 upgrade. */
export function handshakeProblem(request: IncomingMessage): string | undefined {
  if (request.method !== 'GET') return 'Invalid HTTP method';
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY.test(key.trim())) return 'Missing or invalid Sec-WebSocket-Key header';
  const version = request.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Missing or invalid Sec-WebSocket-Version header';
  return undefined;
}
