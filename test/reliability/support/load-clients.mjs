/**
 * Load-test client process (plain Node, no TypeScript): opens N WebSockets to the server, counts
 * what they receive, and answers commands over IPC. Runs in its own process so the client side
 * has its own file-descriptor budget and CPU time accounting.
 *
 * Commands: {cmd:'open', port, count, concurrency} -> {opened, failed}
 *           {cmd:'stats'} -> {open, received, minTicks, unexpectedCloses}
 *           {cmd:'close'} -> {closed}
 */
import WebSocket from 'ws';

const clients = [];
let received = 0;
let unexpectedCloses = 0;
let closing = false;

function openOne(port, i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/r?token=load&room=all,r-${i % 100}`, { perMessageDeflate: false });
    ws.ticks = 0;
    ws.on('message', (data) => {
      received++;
      if (data.length < 64 && data.includes('"tick"')) ws.ticks++;
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', () => resolve(undefined));
    ws.on('close', () => {
      if (!closing) unexpectedCloses++;
    });
  });
}

async function open(port, count, concurrency) {
  let next = 0;
  let failed = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const ws = await openOne(port, i);
      if (ws) clients.push(ws);
      else failed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { opened: clients.length, failed };
}

function stats() {
  let minTicks = Infinity;
  let open = 0;
  for (const ws of clients) {
    if (ws.readyState === WebSocket.OPEN) open++;
    if (ws.ticks < minTicks) minTicks = ws.ticks;
  }
  return { open, received, minTicks: clients.length ? minTicks : 0, unexpectedCloses };
}

async function closeAll() {
  closing = true;
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', resolve);
          ws.close(1000);
        }),
    ),
  );
  return { closed: clients.length };
}

process.on('message', async (msg) => {
  let reply;
  if (msg.cmd === 'open') reply = await open(msg.port, msg.count, msg.concurrency);
  else if (msg.cmd === 'stats') reply = stats();
  else if (msg.cmd === 'close') reply = await closeAll();
  process.send({ cmd: msg.cmd, ...reply });
});
process.on('disconnect', () => process.exit(0));
