/**
 * @module spi/web-handshake
 * Handshake facts and refusal responses for runtimes built on the web `Request`/`Response` (Bun, Deno).
 */
import type { Handshake, SideRefusal } from './transport';

/** The core's view of an upgrade request. */
export function handshakeFromRequest(request: Request, remoteAddress: string): Handshake {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // fromEntries defines own properties, so a `__proto__` parameter cannot reach the prototype.
  return { path: url.pathname, query: Object.fromEntries(url.searchParams), headers, remoteAddress };
}

/** A refused upgrade: the HTTP status with a JSON body `{code, message}`. */
export function refusalResponse(refusal: SideRefusal): Response {
  return new Response(JSON.stringify({ code: refusal.code, message: refusal.message }), {
    status: refusal.status,
    headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
  });
}

/** What a plain (non-upgrade) request to a WebSocket-only server gets. */
export function upgradeRequired(): Response {
  return new Response('Upgrade Required: this server speaks WebSocket\n', {
    status: 426,
    headers: { 'content-type': 'text/plain', upgrade: 'websocket' },
  });
}
