/**
 * Reliability 7: churn. 100,000 connect/join/leave/disconnect cycles driven through the engine
 * in-process (a socketless transport), then 2,000 over real sockets: registries, limit slots,
 * heartbeat entries, listeners and timers all return to where they started.
 */
import { bootstrap, type WsApp } from 'ws-controllers';
import type { ConnectionEngine } from '../../src/engine/connection-engine';
import { ReadyState, type PreparedFrame, type Transport, type TransportSocket } from '../../src/spi/transport';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { activeResources, mb, report, settledHeap } from './support/figures';
import { Journal, ReliabilityModule } from './support/reliability-app';

/** A transport with no sockets: the test calls the engine itself. */
class SocketlessTransport implements Transport {
  engine!: ConnectionEngine;
  readonly port = 0;
  readonly server = undefined;
  async listen(engine: ConnectionEngine): Promise<void> {
    this.engine = engine;
  }
  prepare(text: string): PreparedFrame {
    return { text };
  }
  async close(): Promise<void> {}
}

/** A socket that accepts every frame and forgets it. */
class NullSocket implements TransportSocket {
  readyState: number = ReadyState.OPEN;
  readonly bufferedAmount = 0;
  sent = 0;
  sendText(): void {
    this.sent++;
  }
  sendBinary(): void {
    this.sent++;
  }
  sendPrepared(): void {
    this.sent++;
  }
  close(): void {
    this.readyState = ReadyState.CLOSED;
  }
  terminate(): void {
    this.readyState = ReadyState.CLOSED;
  }
}

const CYCLES = 100_000;

function timers(): number {
  return activeResources().Timeout ?? 0;
}

test('100,000 in-process connect/join/leave/disconnect cycles leave no connection, room, slot or timer behind', async () => {
  const transport = new SocketlessTransport();
  // One slot in total and per address: a single leaked slot would refuse the next cycle with 503/429.
  const app = await bootstrap(ReliabilityModule, { ...testOptions, transport, maxConnections: 1, maxConnectionsPerIp: 1 });
  const engine = transport.engine;
  const hub = engine.hub;
  const journal = app.get(Journal);
  const started = Date.now();
  const checkpoints: Array<{ cycles: number; heapMB: number; clients: number; rooms: number; timers: number }> = [];

  async function cycle(i: number): Promise<void> {
    const result = await engine.upgrade({ path: '/r', query: { token: 't' }, headers: {}, remoteAddress: '10.0.0.1' });
    if (!result.accepted) throw new Error(`cycle ${i} refused with ${result.status} ${result.code}`);
    const connection = result.connection;
    const socket = new NullSocket();
    engine.open(connection, socket);
    engine.message(connection, `{"event":"join-room","room":"room-${i % 100}","id":1}`, false);
    engine.message(connection, '{"event":"echo","payload":1,"id":2}', false);
    await Promise.resolve();
    engine.message(connection, `{"event":"left-room","room":"room-${i % 100}","id":3}`, false);
    await Promise.resolve();
    socket.close();
    engine.closed(connection, 1000, '');
  }

  for (let i = 0; i < 1000; i++) await cycle(i); // warm-up: JIT, lazily built structures
  const baseTimers = timers();
  const baseListeners = process.listenerCount('unhandledRejection') + process.listenerCount('uncaughtException');
  const baseHeap = await settledHeap();
  for (let i = 1; i <= CYCLES; i++) {
    await cycle(i);
    if (i % 20_000 === 0) {
      checkpoints.push({ cycles: i, heapMB: mb(await settledHeap()), clients: hub.clients.size, rooms: hub.roomMembers.size, timers: timers() });
    }
  }
  const endHeap = await settledHeap();
  report('churn', {
    mode: 'in-process',
    cycles: CYCLES,
    seconds: (Date.now() - started) / 1000,
    baseHeapMB: mb(baseHeap),
    endHeapMB: mb(endHeap),
    growthMB: mb(endHeap - baseHeap),
    checkpoints,
    disconnectHooksRun: journal.disconnects,
  });
  expect(hub.clients.size).toBe(0);
  expect(hub.roomMembers.size).toBe(0);
  expect(timers()).toBeLessThanOrEqual(baseTimers);
  expect(process.listenerCount('unhandledRejection') + process.listenerCount('uncaughtException')).toBe(baseListeners);
  expect(journal.disconnects).toBe(CYCLES + 1000);
  // No growth: the heap after 100,000 cycles stays within 10 % (or 3 MB) of the warmed-up baseline.
  expect(endHeap - baseHeap).toBeLessThan(Math.max(baseHeap * 0.1, 3 * 1024 * 1024));
  await app.close();
});

test('2,000 real-socket cycles release their heartbeat entry, limit slot, room and listeners', async () => {
  const app: WsApp = await bootstrap(ReliabilityModule, { ...testOptions, maxConnections: 1, maxConnectionsPerIp: 1 });
  const internals = app as unknown as { engine: ConnectionEngine; transport: { heartbeat?: { size: number } } };
  const hub = internals.engine.hub;
  const journal = app.get(Journal);
  const server = app.server;
  const started = Date.now();
  const baseUpgradeListeners = server.listenerCount('upgrade');
  const baseConnections = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
  const baseTimers = timers();
  for (let i = 0; i < 2000; i++) {
    const client = await connect(urlOf(app.port, '/r?token=t'));
    expect((await client.request('join-room', { room: `room-${i % 10}` })).event).toBe('join-room');
    expect((await client.request('left-room', { room: `room-${i % 10}` })).event).toBe('left-room');
    await client.close();
    await journal.disconnected(i + 1);
  }
  const connections = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
  report('churn', {
    mode: 'real sockets',
    cycles: 2000,
    seconds: (Date.now() - started) / 1000,
    clients: hub.clients.size,
    rooms: hub.roomMembers.size,
    heartbeatEntries: internals.transport.heartbeat?.size,
    upgradeListeners: server.listenerCount('upgrade'),
    openServerConnections: connections,
    timers: timers(),
    baseTimers,
  });
  expect(hub.clients.size).toBe(0);
  expect(hub.roomMembers.size).toBe(0);
  expect(internals.transport.heartbeat?.size).toBe(0);
  expect(server.listenerCount('upgrade')).toBe(baseUpgradeListeners);
  expect(connections).toBeLessThanOrEqual(baseConnections + 1);
  expect(timers()).toBeLessThanOrEqual(baseTimers + 1);
  await app.close();
});
