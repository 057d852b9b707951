/**
 * The Node transport's memory limits over real sockets: `maxFragments` (256 by default, ws allows
 * 16,384) and the process-wide `memoryBudgetBytes` with its admission control and eviction of the
 * biggest holders first.
 */
import { bootstrap, type WsApp } from 'ws-controllers';
import type { EngineObserver } from 'ws-controllers/spi';
import { MemoryBudget, type BudgetedSocket } from '../../src/transport/memory-budget';
import { RawPeer, frame } from '../reliability/support/raw-ws';
import { connect, urlOf } from '../support/ws-test-client';
import { FanoutModule } from './support/fanout-app';

const peers: RawPeer[] = [];
let app: WsApp | undefined;

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.destroy();
  await app?.close({ timeoutMs: 1000 });
  app = undefined;
});

async function peer(port: number): Promise<RawPeer> {
  const p = await RawPeer.open(port);
  peers.push(p);
  expect((await p.upgrade('/echo')).status).toBe(101);
  return p;
}

/** Sends `bytes` of an unfinished text message in fragments of at most 60 KB, and waits until the server read them. */
async function holdUnfinished(p: RawPeer, bytes: number, probe: RawPeer | undefined = undefined): Promise<void> {
  let first = true;
  for (let left = bytes; left > 0; left -= 60_000) {
    await p.write(frame({ opcode: first ? 1 : 0, fin: false, payload: Buffer.alloc(Math.min(left, 60_000), 0x61) }));
    first = false;
  }
  await roundTrip(probe);
}

// A reply on another connection: the server has read everything sent before it.
async function roundTrip(probe: RawPeer | undefined): Promise<void> {
  if (probe === undefined) return new Promise((resolve) => setTimeout(resolve, 50));
  await probe.write(frame({ opcode: 1, payload: Buffer.from('{"event":"echo","payload":1}') }));
  await probe.readFrames(1);
}

test('a message in 256 fragments arrives; one in 257 closes the connection with 1008', async () => {
  app = await bootstrap(FanoutModule, { port: 0, host: '127.0.0.1', logger: false });
  const text = '{"event":"echo","payload":"' + 'x'.repeat(256 - 29) + '"}';
  const fragmented = (count: number): Buffer =>
    Buffer.concat(Array.from({ length: count }, (_, i) => frame({ opcode: i === 0 ? 1 : 0, fin: i === count - 1, payload: Buffer.from(text.slice(i, i === count - 1 ? undefined : i + 1)) })));
  const ok = await peer(app.port);
  await ok.write(fragmented(256));
  await ok.readFrames(1);
  const over = await peer(app.port);
  await over.write(fragmented(257));
  expect((await over.closeCode()).code).toBe(1008);
});

test('over 90 % of the budget new upgrades get 503 OVER_MEMORY_BUDGET, counted, until the holder leaves', async () => {
  const refused: Array<{ status: number; code: string }> = [];
  const observer: EngineObserver = { refused: (_h, status, code) => void refused.push({ status, code }) };
  app = await bootstrap(FanoutModule, { port: 0, host: '127.0.0.1', logger: false, memoryBudgetBytes: 400_000, observers: [observer] });
  const probe = await peer(app.port);
  const holder = await peer(app.port);
  await holdUnfinished(holder, 380_000, probe);
  const late = await RawPeer.open(app.port);
  peers.push(late);
  const head = await late.upgrade('/echo');
  expect(head.status).toBe(503);
  expect(head.headers).toMatch(/retry-after: 1/i);
  expect(JSON.parse(head.body)).toMatchObject({ code: 'OVER_MEMORY_BUDGET' });
  expect(refused).toEqual([{ status: 503, code: 'OVER_MEMORY_BUDGET' }]);
  holder.destroy();
  await holder.ended;
  await roundTrip(probe);
  const client = await connect(urlOf(app.port, '/echo'));
  expect((await client.request('echo', 'admitted')).payload).toBe('admitted');
  await client.close();
});

test('over the budget the biggest holder is closed with 1009 first; smaller ones go on and finish', async () => {
  app = await bootstrap(FanoutModule, { port: 0, host: '127.0.0.1', logger: false, memoryBudgetBytes: 400_000 });
  const probe = await peer(app.port);
  const small = await peer(app.port);
  const big = await peer(app.port);
  const last = await peer(app.port);
  await holdUnfinished(small, 100_000, probe);
  await holdUnfinished(big, 240_000, probe);
  await holdUnfinished(last, 80_000, probe); // 420,000 in all: over
  expect(await big.closeCode()).toMatchObject({ code: 1009, reason: 'Unfinished message over the memory budget' });
  for (const p of [small, last]) {
    await p.write(frame({ opcode: 0, fin: true, payload: Buffer.from('') }));
    await p.readFrames(1); // the (malformed) message was read whole: the connection was kept
  }
});

// ---- the accounting itself (no sockets) ----------------------------------------------------------

class FakeSocket implements BudgetedSocket {
  heldBytes = 0;
  listOwner: object | undefined = undefined;
  listPrev: FakeSocket | undefined = undefined;
  listNext: FakeSocket | undefined = undefined;
  constructor(
    readonly name: string,
    public bufferedAmount = 0,
  ) {}
}

test('eviction ranks by incoming plus outgoing bytes, names the cause, and stops at 75 %', () => {
  const evicted: string[] = [];
  const budget = new MemoryBudget<FakeSocket>(1000, (socket, cause) => evicted.push(`${socket.name}:${cause}`));
  const sockets = [new FakeSocket('reader', 0), new FakeSocket('slow', 500), new FakeSocket('idle', 0), new FakeSocket('sender', 300)];
  for (const s of sockets) budget.add(s);
  budget.update(sockets[0]!, 450);
  budget.update(sockets[3]!, 10);
  budget.enforce(); // 450 + 10 + 800 = 1,260: over
  // 1,260 - 500 = 760 is still over 750: the next biggest goes too; the idle socket is never touched.
  expect(evicted).toEqual(['slow:send-buffer', 'reader:message']);
  expect(budget.evicted).toEqual({ message: 1, 'send-buffer': 1 });
  expect(budget.admits()).toBe(true);
});
