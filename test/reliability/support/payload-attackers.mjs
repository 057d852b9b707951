/**
 * Attacker process for the payload-cost test (plain Node): opens `count` WebSockets and has each send
 * the same large frame every 1.1 s (within a 1 message/s limit), staggered, for `durationMs`; counts the error codes it gets back.
 * Runs in its own process so building and masking 857 KB frames does not load the server's event loop.
 *
 * Argument: JSON {url, count, durationMs, keys}. Prints one JSON line {sent, replies: {code: n}, closed}.
 */
import WebSocket from 'ws';

const { url, count, durationMs, keys } = JSON.parse(process.argv[2]);
const payload = { name: 'x', count: 1 };
for (let i = 0; i < keys; i++) payload[`k${i}`] = i;
const frame = JSON.stringify({ event: 'item', payload, id: 1 });
const replies = {};
let sent = 0;
let closed = 0;

const sockets = await Promise.all(
  Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const code = JSON.parse(data.toString()).payload?.code ?? 'reply';
      replies[code] = (replies[code] ?? 0) + 1;
    });
    ws.on('close', () => closed++);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })),
);
process.stderr.write(`[attackers] ${count} open, frame ${frame.length} bytes with ${keys} unknown keys\n`);

const started = Date.now();
const timers = sockets.map((ws, i) =>
  setTimeout(function fire() {
    if (Date.now() - started >= durationMs) return;
    ws.send(frame);
    sent++;
    timers[i] = setTimeout(fire, 1100); // just under 1 message/s: the limit refills one token a second
  }, (i * 1100) / count),
);

setTimeout(() => {
  for (const t of timers) clearTimeout(t);
  // Let the last replies arrive, then report.
  setTimeout(() => {
    process.stdout.write(JSON.stringify({ sent, replies, closed, frameBytes: frame.length }) + '\n');
    for (const ws of sockets) ws.close();
    setTimeout(() => process.exit(0), 200);
  }, 1000);
}, durationMs);
