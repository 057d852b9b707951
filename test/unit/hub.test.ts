import { InMemoryAdapter } from 'ws-controllers';
import { Connection } from '../../src/connections/connection';
import { Hub } from '../../src/rooms/hub';
import { silentLogger } from '../../src/app/logger';
import { FakeSocket } from '../support/fake-socket';

function makeHub(): { hub: Hub; prepared: string[] } {
  const hub = new Hub(new InMemoryAdapter(), silentLogger);
  const prepared: string[] = [];
  hub.prepare = (text) => {
    prepared.push(text);
    return { text };
  };
  return { hub, prepared };
}

function connectTo(hub: Hub, path = '/p'): { connection: Connection; socket: FakeSocket } {
  const connection = new Connection({ path, query: {}, headers: {}, params: {}, remoteAddress: '127.0.0.1' }, hub);
  const socket = new FakeSocket();
  hub.register(connection);
  connection.attach(socket);
  return { connection, socket };
}

test('a broadcast to a room of many members is encoded and framed once', async () => {
  const { hub, prepared } = makeHub();
  const members = Array.from({ length: 100 }, () => connectTo(hub));
  await Promise.all(members.map(({ connection }) => hub.join(connection, 'r')));
  await hub.broadcast({ data: '{"event":"x"}', rooms: ['r'] });
  expect(prepared).toHaveLength(1);
  const frames = new Set(members.map(({ socket }) => socket.prepared[0]));
  expect(frames.size).toBe(1);
});

test('messages sent during the handshake are queued and delivered, in order, when the socket attaches', () => {
  const { hub } = makeHub();
  const connection = new Connection({ path: '/p', query: {}, headers: {}, params: {}, remoteAddress: '' }, hub);
  connection.emit('one', 1);
  connection.emit('two', 2);
  expect(connection.readyState).toBe(0);
  const socket = new FakeSocket();
  connection.attach(socket);
  expect(socket.messages().map((m) => m.event)).toEqual(['one', 'two']);
});

test('a client closed during the handshake is closed as soon as its socket attaches', () => {
  const { hub } = makeHub();
  const connection = new Connection({ path: '/p', query: {}, headers: {}, params: {}, remoteAddress: '' }, hub);
  connection.close(4003, 'not now');
  const socket = new FakeSocket();
  connection.attach(socket);
  expect(socket.closedWith).toEqual({ code: 4003, reason: 'not now' });
});

test('a socket over maxBufferedBytes is closed with 1013', () => {
  const hub = new Hub(new InMemoryAdapter(), silentLogger, 10);
  const { connection, socket } = connectTo(hub);
  socket.bufferedAmount = 11;
  connection.emit('x');
  expect(socket.closedWith?.code).toBe(1013);
});

test('after 100,000 connect/join/leave/disconnect cycles the registry and room maps are back to their starting size', async () => {
  const { hub } = makeHub();
  const resident = connectTo(hub);
  await hub.join(resident.connection, 'lobby');
  const before = { clients: hub.clients.size, rooms: hub.roomMembers.size, lobby: hub.roomMembers.get('lobby')?.size };
  for (let i = 0; i < 100_000; i++) {
    const { connection } = connectTo(hub);
    await hub.join(connection, 'lobby');
    await hub.join(connection, `room-${i % 1000}`);
    if (i % 2 === 0) await hub.leave(connection, 'lobby');
    hub.unregister(connection);
  }
  expect({ clients: hub.clients.size, rooms: hub.roomMembers.size, lobby: hub.roomMembers.get('lobby')?.size }).toEqual(before);
});
