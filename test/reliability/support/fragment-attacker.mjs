/**
 * The attacker of the fragment-flood test, in its own process (plain Node, raw TCP): opens N
 * connections from one address, upgrades, sends up to F one-byte fragments of a message it never
 * finishes, and keeps every connection open (half-open too: it never answers a close). Commands
 * over IPC: {cmd:'attack', port, count, fragments, wave} -> {outcomes}; {cmd:'leave'} -> {left}.
 * Outcomes: the HTTP status of refused upgrades, the close code each accepted one got (or 'open').
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const BATCH = 1000;
// One-byte fragments with a zero mask key (legal; the payload goes as is), built once and reused.
const fragment = (opcode) => Buffer.from([opcode, 0x81, 0, 0, 0, 0, 0x78]);
const FIRST = Buffer.concat([fragment(1), ...Array.from({ length: BATCH - 1 }, () => fragment(0))]);
const NEXT = Buffer.concat(Array.from({ length: BATCH }, () => fragment(0)));

const peers = [];

function attackOne(port, fragments) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const peer = { socket, outcome: 'open', buffered: Buffer.alloc(0), upgraded: false };
    peers.push(peer);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('data', (chunk) => {
      peer.buffered = Buffer.concat([peer.buffered, chunk]);
      if (!peer.upgraded) {
        const end = peer.buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(peer.buffered.subarray(0, end).toString())?.[1] ?? 0);
        peer.buffered = peer.buffered.subarray(end + 4);
        if (status !== 101) {
          peer.outcome = `refused ${status}`;
          socket.destroy();
          return;
        }
        peer.upgraded = true;
        send(peer, fragments).then(resolve);
      }
      // A close frame from the server: note its code, never answer it.
      if (peer.upgraded && peer.outcome === 'open' && peer.buffered.length >= 4 && (peer.buffered[0] & 0x0f) === 8) {
        peer.outcome = `close ${peer.buffered.readUInt16BE(2)}`;
      }
    });
    socket.write(
      `GET /app HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

async function send(peer, fragments) {
  for (let sent = 0; sent < fragments && !peer.socket.destroyed; sent += BATCH) {
    await new Promise((resolve) => peer.socket.write(sent === 0 ? FIRST : NEXT, () => resolve()));
  }
}

process.on('message', async (command) => {
  if (command.cmd === 'attack') {
    for (let started = 0; started < command.count; started += command.wave) {
      const wave = Math.min(command.wave, command.count - started);
      await Promise.all(Array.from({ length: wave }, () => attackOne(command.port, command.fragments)));
    }
    // Let close frames sent in answer to the last writes arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const outcomes = {};
    for (const peer of peers) outcomes[peer.outcome] = (outcomes[peer.outcome] ?? 0) + 1;
    process.send({ outcomes });
  } else if (command.cmd === 'leave') {
    for (const peer of peers) peer.socket.destroy();
    const left = peers.length;
    peers.length = 0;
    process.send({ left });
  }
});
