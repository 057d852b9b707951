/**
 * @module client
 * The Node entry of `ws-controllers/client`: the same client, on `ws` (Node 20 has no global
 * WebSocket), with refused handshakes reported by HTTP status and `{code, message}` body.
 * Reconnecting is off by default here: a script or service should fail fast unless it opts in.
 * Bundlers use `./browser` (export condition "browser"), which never imports `ws`.
 */
import WebSocket from 'ws';
import { Client } from './client';
import type { AnyEvents, AnyPushes } from './event-map';
import type { ClientOptions } from './options';
import type { SocketProbe } from './socket-like';

export * from './public-api';

// `ws` exposes the refusal's status and body (browsers cannot): read them, then abort the handshake.
const readRefusal: SocketProbe = (socket, refused) => {
  if (!(socket instanceof WebSocket)) return;
  socket.on('unexpected-response', (_request, response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('error', () => socket.terminate());
    response.on('end', () => {
      let parsed: { code?: string; message?: string } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // not our JSON refusal body: status only
      }
      refused(response.statusCode ?? 0, typeof parsed === 'object' && parsed !== null ? parsed : {});
      socket.terminate();
    });
  });
};

/**
 * Connects to a controller path. Returns at once; `ready()` resolves when open.
 * @example const calc = connect<CalcEvents>('ws://127.0.0.1:3000/calc'); await calc.request('add', { a: 1, b: 2 });
 */
export function connect<E extends object = AnyEvents, P extends object = AnyPushes>(url: string, options: ClientOptions = {}): Client<E, P> {
  return new Client<E, P>(url, options, { WebSocket, reconnectByDefault: false, probe: readRefusal });
}
