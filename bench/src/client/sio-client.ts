/**
 * @module bench/client/sio-client
 * The Socket.IO load client (Socket.IO needs its own protocol, so its figures are reported apart):
 * the same echo case, C connections x W `echo` events in flight.
 */
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { LatencyLog, measure, parseArgs, planFrom, report } from './windows';

const PAYLOAD = { text: 'hello, world!', n: 1000123 };
const args = parseArgs(process.argv.slice(2));

function open(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function idle(): Promise<void> {
  const sockets: Socket[] = [];
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, value] = line.trim().split(' ');
    if (command !== 'connect') continue;
    while (sockets.length < Number(value)) {
      const n = Math.min(250, Number(value) - sockets.length);
      sockets.push(...(await Promise.all(Array.from({ length: n }, () => open(args['url']!)))));
    }
    process.stdout.write(`connected ${sockets.length}\n`);
  }
  for (const socket of sockets) socket.disconnect();
}

async function main(): Promise<void> {
  if (args['mode'] === 'idle') return idle();
  const connections = Number(args['c'] ?? 50);
  const inFlight = Number(args['w'] ?? 1);
  const sockets: Socket[] = [];
  while (sockets.length < connections) {
    const n = Math.min(250, connections - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: n }, () => open(args['url']!)))));
  }
  const latencies = new LatencyLog();
  let received = 0;
  for (const socket of sockets) {
    const sentAt = new Float64Array(inFlight);
    let head = 0;
    let tail = 0;
    const send = (): void => {
      sentAt[tail++ % inFlight] = performance.now();
      socket.emit('echo', PAYLOAD);
    };
    socket.on('echo', () => {
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
  for (const socket of sockets) socket.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
