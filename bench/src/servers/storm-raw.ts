/**
 * @module bench/servers/storm-raw
 * The storm app written by hand on raw `ws`: what the ws-controllers storm app does at each upgrade,
 * without a framework. It refuses an upgrade without a `token` query parameter before the 101 (403),
 * gives the client an id (a map by id, what sending to one client needs), keeps the token in its data,
 * joins it to a room, and forgets it on close. A reference row: how much of the storm's cost is the
 * work itself, and how much the framework around it.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { announce } from './control';

interface Client {
  id: string;
  ws: WebSocket;
  data: Record<string, unknown>;
  rooms: Set<string>;
}

const clients = new Map<string, Client>();
const room = new Set<Client>();
let counter = 0;
const prefix = randomBytes(6).toString('hex');

const server = createServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => socket.destroy());
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const token = q === -1 ? null : new URLSearchParams(url.slice(q + 1)).get('token');
  if (!url.startsWith('/storm') || !token) {
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const client: Client = { id: `${prefix}-${++counter}`, ws, data: { user: token }, rooms: new Set(['storm']) };
    clients.set(client.id, client);
    room.add(client);
    ws.on('close', () => {
      clients.delete(client.id);
      room.delete(client);
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  announce((server.address() as AddressInfo).port, () => new Promise<void>((resolve) => server.close(() => resolve())));
});
