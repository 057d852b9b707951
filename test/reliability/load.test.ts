/**
 * Reliability 6: load. 10,000 concurrent connections (opened by a separate client process) held for
 * 60 s while every second one room of all of them and 100 rooms of 100 receive a message; then all
 * disconnect, and the heap and the registries return to their baseline (heap within 10 %).
 * LOAD_CONNECTIONS and LOAD_HOLD_MS shrink it for a quick local run.
 */
import { execSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { bootstrap, RoomService } from 'ws-controllers';
import type { ConnectionEngine } from '../../src/engine/connection-engine';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { hold, mb, report, settledHeap } from './support/figures';
import { Journal, ReliabilityModule } from './support/reliability-app';

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10_000);
const HOLD_MS = Number(process.env.LOAD_HOLD_MS ?? 60_000);
const SMALL_ROOMS = 100;

interface Reply {
  cmd: string;
  opened?: number;
  failed?: number;
  open?: number;
  received?: number;
  minTicks?: number;
  unexpectedCloses?: number;
  closed?: number;
}

/** Sends a command to the client process and waits for its answer. */
function command(child: ChildProcess, message: Record<string, unknown>): Promise<Reply> {
  return new Promise((resolve) => {
    const onMessage = (reply: Reply): void => {
      if (reply.cmd !== message.cmd) return;
      child.off('message', onMessage);
      resolve(reply);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** The open-files limit this process runs with (`npm run test:reliability` raises it to the hard limit). */
function openFilesLimit(): number {
  const out = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
  return out === 'unlimited' ? Infinity : Number(out);
}

test(`${CONNECTIONS} connections held ${HOLD_MS / 1000} s with room fan-out, then all gone: heap and registry back to baseline`, async () => {
  const limit = openFilesLimit();
  if (limit < CONNECTIONS + 500) {
    throw new Error(`open-files limit ${limit} is too low for ${CONNECTIONS} connections: run through \`npm run test:reliability\` (raises it to \`ulimit -Hn\`) or raise the hard limit`);
  }
  const app = await bootstrap(ReliabilityModule, testOptions);
  const hub = (app as unknown as { engine: ConnectionEngine }).engine.hub;
  const journal = app.get(Journal);
  const rooms = app.get(RoomService);

  // Warm-up: load every code path once so the baseline includes compiled code and lazy structures.
  const warm = await Promise.all(Array.from({ length: 50 }, (_, i) => connect(urlOf(app.port, `/r?token=w&room=all,r-${i}`))));
  await rooms.to('all').emit('tick', 0);
  await Promise.all(warm.map((c) => c.close()));
  await journal.disconnected(50);
  const baseHeap = await settledHeap();
  const baseRss = process.memoryUsage().rss;

  const child = fork(join(__dirname, 'support', 'load-clients.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const started = Date.now();
    const opened = await command(child, { cmd: 'open', port: app.port, count: CONNECTIONS, concurrency: 100 });
    const openSeconds = (Date.now() - started) / 1000;
    expect(opened.opened).toBe(CONNECTIONS);
    expect(hub.clients.size).toBe(CONNECTIONS);

    let ticks = 0;
    const fanOut = setInterval(() => {
      ticks++;
      void rooms.to('all').emit('tick', ticks);
      for (let k = 0; k < SMALL_ROOMS; k++) void rooms.to(`r-${k}`).emit('room', { k, n: ticks });
    }, 1000);
    await hold(HOLD_MS / 2);
    const peakHeap = process.memoryUsage().heapUsed;
    const peakRss = process.memoryUsage().rss;
    await hold(HOLD_MS / 2);
    clearInterval(fanOut);
    await hold(500); // the last tick's frames are on the wire
    const stats = await command(child, { cmd: 'stats' });

    const closeStarted = Date.now();
    await command(child, { cmd: 'close' });
    await journal.disconnected(50 + CONNECTIONS);
    const closeSeconds = (Date.now() - closeStarted) / 1000;
    const endHeap = await settledHeap();

    report('load', {
      connections: CONNECTIONS,
      holdSeconds: HOLD_MS / 1000,
      openSeconds,
      ticks,
      framesReceived: stats.received,
      minTicksPerClient: stats.minTicks,
      unexpectedCloses: stats.unexpectedCloses,
      peakHeapMB: mb(peakHeap),
      peakRssMB: mb(peakRss),
      kBPerConnection: Math.round((peakHeap - baseHeap) / CONNECTIONS / 102.4) / 10,
      closeSeconds,
      baseHeapMB: mb(baseHeap),
      endHeapMB: mb(endHeap),
      heapDeltaPercent: Math.round(((endHeap - baseHeap) / baseHeap) * 1000) / 10,
      baseRssMB: mb(baseRss),
      clientsAfter: hub.clients.size,
      roomsAfter: hub.roomMembers.size,
    });
    expect(stats.open).toBe(CONNECTIONS);
    expect(stats.unexpectedCloses).toBe(0);
    // Every client got every room-of-all tick (at most the last one still in flight).
    expect(stats.minTicks).toBeGreaterThanOrEqual(ticks - 1);
    expect(hub.clients.size).toBe(0);
    expect(hub.roomMembers.size).toBe(0);
    expect(endHeap).toBeLessThanOrEqual(baseHeap * 1.1);
  } finally {
    child.kill();
    await app.close({ timeoutMs: 2000 });
  }
});
