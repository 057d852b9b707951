/**
 * Reliability (issue 15, item 6): rate limits count every frame. Malformed text, binary frames with no
 * raw handler and unknown events are counted against the app-wide and controller buckets like messages:
 * a flood of any of them is closed with 1008 after a bounded number of replies, and a per-address
 * connection-rate limit stops reconnecting to get a fresh bucket.
 */
import { bootstrap, Module, OnMessage, Payload, RateLimit, WebSocketController, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Refusal } from '../support/ws-test-client';
import { report } from './support/figures';
import { frame, RawPeer } from './support/raw-ws';

@WebSocketController('/flood')
class FloodController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }
}

@WebSocketController('/strict')
@RateLimit({ points: 5, perMs: 60_000 })
class StrictController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }
}

@Module({ controllers: [FloodController, StrictController] })
class FloodModule {}

/** `promise`, or a rejection after `ms` (so a regression fails fast instead of hanging the suite). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const FRAMES = 20_000;
const apps: WsApp[] = [];

async function start(options: BootstrapOptions = {}): Promise<WsApp> {
  const app = await bootstrap(FloodModule, { ...testOptions, ...options });
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close({ timeoutMs: 1000 })));
});

interface FloodResult {
  code: number;
  repliesBeforeClose: number;
  bytesReceived: number;
  ms: number;
}

/** Sends `count` copies of one frame in a single write and reads until the close (or 5 s). */
async function flood(app: WsApp, path: string, one: Buffer, count = FRAMES): Promise<FloodResult> {
  const peer = await RawPeer.open(app.port);
  expect((await peer.upgrade(path)).status).toBe(101);
  let bytesReceived = 0;
  peer.socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length));
  const started = Date.now();
  void peer.write(Buffer.concat(Array.from({ length: count }, () => one)));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<{ code: number; framesBefore: number }>((resolve) => {
    timer = setTimeout(() => resolve({ code: 0, framesBefore: -1 }), 5000);
  });
  const closed = await Promise.race([peer.closeCode(), timedOut]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  peer.destroy();
  return { code: closed.code, repliesBeforeClose: closed.framesBefore, bytesReceived, ms };
}

const text = (s: string): Buffer => frame({ opcode: 0x1, payload: Buffer.from(s) });
const kinds: Array<[string, Buffer]> = [
  ['one-byte malformed text frames', text('x')],
  ['binary frames with no raw handler', frame({ opcode: 0x2, payload: Buffer.from([1]) })],
  ['unknown events', text('{"event":"nope"}')],
  ['objects without an event', text('{"payload":1}')],
];

test.each(kinds)('under a global 10/s limit, a flood of %s is closed with 1008 after a bounded number of replies', async (kind, one) => {
  const app = await start({ rateLimit: { points: 10, perMs: 1000 } });
  const result = await flood(app, '/flood', one);
  report('frame-flood', { kind, limit: 'global 10/s', frames: FRAMES, ...result });
  expect(result.code).toBe(1008);
  // 10 answered within the bucket, then at most closeAfter (10) refusals before the close.
  expect(result.repliesBeforeClose).toBeLessThanOrEqual(20);
  expect(result.bytesReceived).toBeLessThan(8 * 1024);
});

test('a controller limit counts unknown events too: a flood of them on that controller is closed with 1008', async () => {
  const app = await start();
  const result = await flood(app, '/strict', text('{"event":"nope","id":1}'));
  report('frame-flood', { kind: 'unknown events with ids', limit: 'controller 5/min', frames: FRAMES, ...result });
  expect(result.code).toBe(1008);
  expect(result.repliesBeforeClose).toBeLessThanOrEqual(15);
});

test('unknown events and bad frames take from the same bucket as valid messages', async () => {
  const app = await start({ rateLimit: { points: 3, perMs: 60_000, closeAfter: 0 } });
  const client = await connect(urlOf(app.port, '/flood'));
  client.send('not json');
  client.ws.send(Buffer.from([1, 2]));
  expect((await client.request('nope')).payload).toMatchObject({ code: 'UNKNOWN_EVENT' });
  expect((await client.request('echo', 1)).payload).toMatchObject({ code: 'RATE_LIMITED' });
  // A refused stray frame with an id is answered on its id; one without an id is dropped without a reply.
  expect((await client.request('nope')).payload).toMatchObject({ code: 'RATE_LIMITED' });
  await client.close();
});

test('with no rate limit configured, stray frames are answered as before and the connection stays open', async () => {
  const app = await start();
  const client = await connect(urlOf(app.port, '/flood'));
  for (let i = 0; i < 50; i++) client.send('x');
  expect((await client.request('echo', 'still here')).payload).toBe('still here');
  expect(client.received.filter((m) => (m.payload as { code?: string })?.code === 'BAD_MESSAGE')).toHaveLength(50);
  await client.close();
});

test('connectionRateLimit refuses reconnect-to-refill from one address with 429, and other addresses still connect', async () => {
  const app = await start({ rateLimit: { points: 10, perMs: 1000 }, connectionRateLimit: { points: 20, perMs: 60_000 } });
  const started = Date.now();
  let floods = 0;
  let refusal: Refusal | undefined;
  for (let attempt = 0; attempt < 100 && refusal === undefined; attempt++) {
    try {
      const client = await connect(urlOf(app.port, '/flood'));
      for (let i = 0; i < 30; i++) client.send('x');
      expect((await within(client.closed, 3000, 'flood close')).code).toBe(1008);
      floods++;
    } catch (error) {
      refusal = error as Refusal;
    }
  }
  report('frame-flood', { kind: 'reconnect to refill', connectionRateLimit: '20/min', floodsBeforeRefusal: floods, ms: Date.now() - started, status: refusal?.status });
  expect(floods).toBe(20);
  expect(refusal).toMatchObject({ status: 429, body: { code: 'CONNECTION_RATE_LIMITED' } });
  const other = await connect(urlOf(app.port, '/flood'), { localAddress: '127.0.0.2' });
  expect((await other.request('echo', 'other address')).payload).toBe('other address');
  await other.close();
});
