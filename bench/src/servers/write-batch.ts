/**
 * @module bench/servers/write-batch
 * The "raw ws + batching" reference: what anyone writing a raw `ws` server can add in ten lines.
 * Every socket written to during one I/O callback is corked, and all of them are uncorked on
 * `process.nextTick` (after the callback, so every message `ws` parsed from that chunk has been
 * answered), so the frames for one socket leave in one `writev` instead of one `write` each.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

const corked = new Set<Socket>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** Call before writing to `ws`: corks its socket until the end of this tick. */
export function corkForTick(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  if (corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  socket.cork();
  corked.add(socket);
}
