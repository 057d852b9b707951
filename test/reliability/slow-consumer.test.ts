/**
 * Reliability 5: a client that stops reading is closed within 10 s (at the default
 * `maxBufferedBytes`, 8 MiB), while the other clients of the same room keep at least half their
 * throughput.
 */
import WebSocket from 'ws';
import { bootstrap, RoomService, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { urlOf } from '../support/ws-test-client';
import { hold, mb, report } from './support/figures';
import { RawPeer } from './support/raw-ws';
import { Journal, ReliabilityModule } from './support/reliability-app';

const READERS = 3;
const MESSAGE_BYTES = 16 * 1024;
const PER_TICK = 10; // every 10 ms: 1,000 messages (16 MB) per second per member
const WINDOW_MS = 2000;

let app: WsApp;
let readers: WebSocket[] = [];
let received = 0;
let producer: NodeJS.Timeout | undefined;

beforeAll(async () => {
  app = await bootstrap(ReliabilityModule, testOptions);
  readers = await Promise.all(
    Array.from({ length: READERS }, async () => {
      const ws = new WebSocket(urlOf(app.port, '/r?token=t&room=feed'));
      ws.on('message', () => void received++);
      await new Promise((resolve) => ws.once('open', resolve));
      return ws;
    }),
  );
});

afterAll(async () => {
  clearInterval(producer);
  for (const ws of readers) ws.terminate();
  await app.close({ timeoutMs: 1000 });
});

test('a client that stops reading is closed within 10 s and the others keep over half their throughput', async () => {
  const rooms = app.get(RoomService);
  const text = 'x'.repeat(MESSAGE_BYTES);
  producer = setInterval(() => {
    for (let i = 0; i < PER_TICK; i++) void rooms.to('feed').emit('tick', text);
  }, 10);

  // Baseline: the room without the slow consumer.
  await hold(500); // warm-up
  let start = received;
  await hold(WINDOW_MS);
  const baseline = (received - start) / (WINDOW_MS / 1000);

  // A raw peer joins the room, then never reads again.
  const journal = app.get(Journal);
  const disconnectsBefore = journal.disconnects;
  const slow = await RawPeer.open(app.port);
  expect((await slow.upgrade('/r?token=t&room=feed')).status).toBe(101);
  slow.socket.pause();
  const stoppedReading = Date.now();
  start = received;
  const closed = journal.disconnected(disconnectsBefore + 1).then(() => Date.now() - stoppedReading);
  const measured = hold(WINDOW_MS).then(() => (received - start) / (WINDOW_MS / 1000));
  const closedAfterMs = await Promise.race([closed, hold(10_000).then(() => Infinity)]);
  const during = await measured;
  clearInterval(producer);
  slow.destroy();

  report('slow-consumer', {
    closedAfterMs,
    baselineMsgPerSecPerReader: Math.round(baseline / READERS),
    duringMsgPerSecPerReader: Math.round(during / READERS),
    ratio: Math.round((during / baseline) * 100) / 100,
    offeredMBPerSecPerMember: mb(MESSAGE_BYTES * PER_TICK * 100),
    maxBufferedBytes: 8 * 1024 * 1024,
  });
  expect(closedAfterMs).toBeLessThanOrEqual(10_000);
  expect(during).toBeGreaterThanOrEqual(baseline / 2);
  expect(readers.every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
});
