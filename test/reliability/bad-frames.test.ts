/**
 * Reliability 1: hostile frames over a raw TCP socket. Each attack must end its connection with the
 * close code ws sends for it, the process must keep serving others, and memory must not grow.
 */
import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { mb, report, settledHeap } from './support/figures';
import { frame, RawPeer } from './support/raw-ws';
import { ReliabilityModule } from './support/reliability-app';

const TEXT = 0x1;
const CONTINUATION = 0x0;
const PING = 0x9;

interface Attack {
  name: string;
  expected: number;
  /** Sends the attack on an open raw connection. */
  run(peer: RawPeer): Promise<void>;
}

const attacks: Attack[] = [
  // RFC 6455 5.2: a reserved bit set without an extension defining it is a protocol error.
  { name: 'RSV1 set without permessage-deflate', expected: 1002, run: (p) => p.write(frame({ opcode: TEXT, rsv: 0b100, payload: Buffer.from('{}') })) },
  { name: 'RSV2 and RSV3 set', expected: 1002, run: (p) => p.write(frame({ opcode: TEXT, rsv: 0b011, payload: Buffer.from('{}') })) },
  // 5.5: control frames carry at most 125 bytes.
  { name: 'ping with a 126-byte payload', expected: 1002, run: (p) => p.write(frame({ opcode: PING, payload: Buffer.alloc(126, 1) })) },
  { name: 'close with a 200-byte payload', expected: 1002, run: (p) => p.write(frame({ opcode: 0x8, payload: Buffer.alloc(200, 1) })) },
  { name: 'fragmented ping (FIN clear on a control frame)', expected: 1002, run: (p) => p.write(frame({ opcode: PING, fin: false })) },
  { name: 'unmasked client frame', expected: 1002, run: (p) => p.write(frame({ opcode: TEXT, mask: false, payload: Buffer.from('{}') })) },
  { name: 'unknown opcode 0x3', expected: 1002, run: (p) => p.write(frame({ opcode: 0x3, payload: Buffer.from('x') })) },
  { name: 'continuation frame with no message started', expected: 1002, run: (p) => p.write(frame({ opcode: CONTINUATION, payload: Buffer.from('x') })) },
  // 8.1: text frames must be valid UTF-8 (0xC3 0x28 is an invalid two-byte sequence).
  { name: 'invalid UTF-8 in a text frame', expected: 1007, run: (p) => p.write(frame({ opcode: TEXT, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) })) },
  // ws rejects on the declared length alone: no need to send 2 MiB.
  { name: 'text frame declaring 2 MiB (maxPayload 1 MiB)', expected: 1009, run: (p) => p.write(frame({ opcode: TEXT, payload: Buffer.alloc(1024, 0x61), declaredLength: 2 * 1024 * 1024 })) },
  {
    name: 'message of 64 fragments adding up to 1.5 MiB',
    expected: 1009,
    run: async (p) => {
      const chunk = Buffer.alloc(24 * 1024, 0x61);
      await p.write(frame({ opcode: TEXT, fin: false, payload: chunk }));
      for (let i = 1; i < 64; i++) await p.write(frame({ opcode: CONTINUATION, fin: i === 63, payload: chunk }));
    },
  },
  // ws >= 8.21 caps fragments per message (maxFragments, 16384 by default) and closes with 1008.
  {
    name: '50,000 empty fragments',
    expected: 1008,
    run: async (p) => {
      const empty = frame({ opcode: CONTINUATION, fin: false });
      const batch = Buffer.concat(Array.from({ length: 1000 }, () => empty));
      await p.write(frame({ opcode: TEXT, fin: false }));
      for (let i = 0; i < 50; i++) await p.write(batch);
    },
  },
  // ws (8.23) answers every ping with a pong and terminates a peer with 60 pongs not yet flushed
  // (maxPendingAutoPongs): a burst is dropped without a closing handshake, so the peer sees 1006.
  {
    name: 'ping burst (10,000 pings, not reading)',
    expected: 1006,
    run: async (p) => {
      p.socket.pause();
      const ping = frame({ opcode: PING, payload: Buffer.alloc(125, 7) });
      const batch = Buffer.concat(Array.from({ length: 500 }, () => ping));
      for (let i = 0; i < 20; i++) await p.write(batch);
      p.socket.resume();
    },
  },
  // A sustained flood paced under ws's limit meets our ping guard: ping 101 within 10 s -> 1008.
  {
    name: 'sustained ping flood (150 pings in batches of 50, reading the pongs)',
    expected: 1008,
    run: async (p) => {
      const ping = frame({ opcode: PING, payload: Buffer.alloc(125, 7) });
      const batch = Buffer.concat(Array.from({ length: 50 }, () => ping));
      for (let i = 0; i < 2; i++) {
        await p.write(batch);
        await p.readFrames(50);
      }
      await p.write(batch);
    },
  },
];

let app: WsApp;

beforeAll(async () => {
  app = await bootstrap(ReliabilityModule, testOptions);
});

afterAll(async () => {
  await app.close({ timeoutMs: 1000 });
});

async function attack(a: Attack): Promise<{ code: number; framesBefore: number }> {
  const peer = await RawPeer.open(app.port);
  const head = await peer.upgrade('/r?token=t');
  expect(head.status).toBe(101);
  await a.run(peer);
  const result = await peer.closeCode();
  peer.destroy();
  return result;
}

test.each(attacks.map((a) => [a.name, a] as const))('%s closes the connection with the expected code', async (_name, a) => {
  const { code, framesBefore } = await attack(a);
  report('bad-frames', { attack: a.name, expected: a.expected, got: code, framesBeforeClose: framesBefore });
  expect(code).toBe(a.expected);
});

test('20 rounds of every attack leave the process serving and the heap within 8 MB of where it started', async () => {
  const before = await settledHeap();
  const started = Date.now();
  for (let round = 0; round < 20; round++) {
    const codes = await Promise.all(attacks.map((a) => attack(a).then((r) => r.code)));
    expect(codes).toEqual(attacks.map((a) => a.expected));
  }
  const client = await connect(urlOf(app.port, '/r?token=t'));
  expect((await client.request('echo', 'alive')).payload).toBe('alive');
  await client.close();
  const after = await settledHeap();
  report('bad-frames', {
    rounds: 20,
    connections: 20 * attacks.length,
    seconds: (Date.now() - started) / 1000,
    heapBeforeMB: mb(before),
    heapAfterMB: mb(after),
    growthMB: mb(after - before),
  });
  expect(after - before).toBeLessThan(8 * 1024 * 1024);
});
