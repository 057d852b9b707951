/**
 * @module bench/servers/socket-io
 * The Socket.IO 4 reference (websocket transport only): `echo` events are emitted back.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { announce } from './control';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => {
  socket.on('echo', (payload: unknown) => socket.emit('echo', payload));
});

server.listen(0, '127.0.0.1', () => {
  announce((server.address() as AddressInfo).port, () => new Promise<void>((resolve) => io.close(() => resolve())));
});
