/**
 * @module bench/client/load-client
 * The one load client for every `ws`-based server (raw ws, ws-controllers, NestJS platform-ws).
 * Modes: `echo` (C connections x W in flight, every reply parsed and matched to its send time),
 * `fan` (N subscribers, one publisher with 8 in flight) and `idle` (connect on command, for memory).
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { NESTED_MESSAGE } from '../cases/nested-dto';
import { LatencyLog, measure, parseArgs, planFrom, report } from './windows';

/** The bench message (about 60 bytes), the same for every server. */
export const MESSAGE = '{"event":"echo","payload":{"text":"hello, world!","n":1000123}}';
const PUBLISH = '{"event":"publish","payload":{"text":"hello, world!","n":1000123}}';

const args = parseArgs(process.argv.slice(2));
const url = args['url']!;
// `--message nested`: the nested case's chat message (about 600 bytes) instead of the echo one.
const ECHO_MESSAGE = args['message'] === 'nested' ? NESTED_MESSAGE : MESSAGE;

function open(target: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function openMany(target: string, count: number, into: WebSocket[] = []): Promise<WebSocket[]> {
  const batch = 250; // keep the server's accept queue short
  while (into.length < count) {
    const n = Math.min(batch, count - into.length);
    into.push(...(await Promise.all(Array.from({ length: n }, () => open(target)))));
  }
  return into;
}

function closeAll(sockets: WebSocket[]): void {
  for (const ws of sockets) ws.terminate();
}

async function echo(): Promise<void> {
  const connections = Number(args['c'] ?? 50);
  const inFlight = Number(args['w'] ?? 1);
  const sockets = await openMany(url, connections);
  const latencies = new LatencyLog();
  let received = 0;
  for (const ws of sockets) {
    // Replies come back in order per socket: a ring of send times matches each one.
    const sentAt = new Float64Array(inFlight);
    let head = 0;
    let tail = 0;
    const send = (): void => {
      sentAt[tail++ % inFlight] = performance.now();
      ws.send(ECHO_MESSAGE);
    };
    ws.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as { event?: string };
      if (reply.event !== 'echo') throw new Error(`unexpected reply ${data.toString()}`);
      latencies.add(performance.now() - sentAt[head++ % inFlight]!);
      received++;
      send();
    });
    for (let i = 0; i < inFlight; i++) send();
  }
  const windows = await measure(planFrom(args), {
    reset: () => {
      received = 0;
      latencies.clear();
    },
    count: () => received,
    latencies: () => latencies.view(),
  });
  report({ windows });
  closeAll(sockets);
}

async function fan(): Promise<void> {
  const subscribers = Number(args['n'] ?? 1000);
  const inFlight = Number(args['w'] ?? 8);
  const sockets = await openMany(url + '?sub=1', subscribers);
  let delivered = 0;
  const publisher = await open(url + '?pub=1');
  let published = 0;
  let completed = 0; // deliveries counted since the start, to keep `inFlight` publishes outstanding
  const pump = (): void => {
    while (published - Math.floor(completed / subscribers) < inFlight) {
      published++;
      publisher.send(PUBLISH);
    }
  };
  for (const ws of sockets) {
    ws.on('message', () => {
      delivered++;
      completed++;
      if (completed % subscribers === 0) pump();
    });
  }
  pump();
  const windows = await measure(planFrom(args), {
    reset: () => {
      delivered = 0;
    },
    count: () => delivered,
  });
  report({ windows });
  closeAll([publisher, ...sockets]);
}

async function idle(): Promise<void> {
  const sockets: WebSocket[] = [];
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, value] = line.trim().split(' ');
    if (command === 'connect') {
      await openMany(url, Number(value), sockets);
      process.stdout.write(`connected ${sockets.length}\n`);
    }
  }
  closeAll(sockets);
}

const modes: Record<string, () => Promise<void>> = { echo, fan, idle };
const run = modes[args['mode'] ?? 'echo'];
if (!run) throw new Error(`unknown mode ${args['mode']}`);
run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
