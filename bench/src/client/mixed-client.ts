/**
 * @module bench/client/mixed-client
 * Latency under mixed load: `--n` room members (raw sockets counting frames unread) get `--rate`
 * broadcasts per second from one publisher (open loop, paced by the clock, not by the deliveries),
 * while `--c` other connections run the echo with one message in flight each; every echo reply is
 * parsed and matched to its send time. A window's figures are the echo's (msgs/s, p50/p99) plus the
 * deliveries per second the members got (short of n × rate when the server fell behind).
 */
import WebSocket from 'ws';
import { upgrade } from './raw-upgrade';
import { LatencyLog, measure, parseArgs, planFrom, report, type WindowResult } from './windows';

/** A mixed-load window: the echo's figures plus the broadcast deliveries. */
export interface MixedWindow extends WindowResult {
  deliveriesPerSecond: number;
}

const args = parseArgs(process.argv.slice(2));
const port = Number(args['port']);
const path = args['path'] ?? '/';
const members = Number(args['n'] ?? 5000);
const rate = Number(args['rate'] ?? 100);
const connections = Number(args['c'] ?? 50);
// The echo cases' message (load-client.ts), byte for byte.
const MESSAGE = '{"event":"echo","payload":{"text":"hello, world!","n":1000123}}';
const PUBLISH = '{"event":"publish","payload":{"text":"hello, world!","n":1000123}}';

function open(query: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}${query}`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function main(): Promise<void> {
  let delivered = 0;
  const onFrames = (frames: number): void => void (delivered += frames);
  const sockets = [];
  for (let i = 0; i < members; i += 250) {
    const batch = Array.from({ length: Math.min(250, members - i) }, () =>
      upgrade(port, `${path}?sub=1`, onFrames),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  const publisher = await open('?pub=1');
  const echoes = await Promise.all(Array.from({ length: connections }, () => open('')));

  // The publisher: `rate` per second by the clock, whatever the server makes of them.
  const started = performance.now();
  let published = 0;
  const pacer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * rate) / 1000);
    while (published < due) {
      published++;
      publisher.send(PUBLISH);
    }
  }, 5);

  const latencies = new LatencyLog();
  let received = 0;
  for (const ws of echoes) {
    let sentAt = 0;
    const send = (): void => {
      sentAt = performance.now();
      ws.send(MESSAGE);
    };
    ws.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as { event?: string };
      if (reply.event !== 'echo') throw new Error(`unexpected reply ${data.toString()}`);
      latencies.add(performance.now() - sentAt);
      received++;
      send();
    });
    send();
  }

  const deliveries: number[] = [];
  let windowStart = 0;
  const windows = await measure(planFrom(args), {
    reset: () => {
      received = 0;
      latencies.clear();
      windowStart = delivered;
    },
    count: () => {
      deliveries.push(delivered - windowStart);
      return received;
    },
    latencies: () => latencies.view(),
  });
  clearInterval(pacer);
  const mixed: MixedWindow[] = windows.map((w, i) => ({
    ...w,
    deliveriesPerSecond: deliveries[i]! / w.seconds,
  }));
  report({ windows: mixed });
  for (const socket of sockets) socket.resetAndDestroy();
  for (const ws of [publisher, ...echoes]) ws.terminate();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
