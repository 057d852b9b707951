/**
 * Reliability 3: property-based fuzzing with fast-check. The envelope codec and the dispatch path get
 * random text, random JSON, random envelopes (known and unknown events, hostile keys) and random
 * binary frames: nothing crashes, every frame that carries an id gets exactly one reply or error,
 * and no prototype is polluted.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { bootstrap, type WsApp } from 'ws-controllers';
import { parseEnvelope } from '../../src/protocol/envelope';
import { testOptions } from '../support/quiet';
import { urlOf } from '../support/ws-test-client';
import { watchFaults } from './support/fault-watch';
import { report } from './support/figures';
import { ReliabilityModule } from './support/reliability-app';

const EVENTS = ['echo', 'item', 'async-echo', 'sync-throw', 'async-reject', 'refuse', 'never', 'join-room', 'left-room', 'shout'];
const prototypeKeys = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const cleanPrototype = prototypeKeys();

/** Hostile objects: prototype-pollution attempts in every place a key can sit. */
const hostile = fc.constantFrom(
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"name":"x","count":1,"__proto__":{"isAdmin":true}}',
  '{"a":{"b":{"__proto__":{"polluted":true}}}}',
  '[{"__proto__":{"polluted":true}}]',
);

const payload = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), hostile, fc.constant('{"name":"ok","count":3}'));
const event = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EVENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

type Frame = { kind: 'text'; text: string; tracked: boolean } | { kind: 'binary'; bytes: Uint8Array };

/** A frame; envelopes that carry an id get the placeholder `"id":@ID@`, replaced by a unique id when sent. */
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(event, payload, fc.boolean()).map(([e, p, hostileTop]): Frame => ({
    kind: 'text',
    text: `{${hostileTop ? '"__proto__":{"polluted":true},' : ''}"event":${JSON.stringify(e)},"payload":${p},"id":@ID@}`,
    tracked: true,
  })) },
  { weight: 1, arbitrary: fc.tuple(event, payload).map(([e, p]): Frame => ({ kind: 'text', text: `{"event":${JSON.stringify(e)},"payload":${p}}`, tracked: false })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((text): Frame => ({ kind: 'text', text, tracked: false })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v): Frame => ({ kind: 'text', text: JSON.stringify(v) ?? 'null', tracked: false })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): Frame => ({ kind: 'binary', bytes })) },
);

let app: WsApp;
let ws: WebSocket;
const replies = new Map<string, number>();
const strangers: unknown[] = [];
const watch = watchFaults();

beforeAll(async () => {
  app = await bootstrap(ReliabilityModule, { ...testOptions, handlerTimeoutMs: 100 });
  ws = new WebSocket(urlOf(app.port, '/r?token=fuzz'));
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: unknown };
    if (message.id === undefined) return;
    const key = String(message.id);
    if (!replies.has(key)) strangers.push(message);
    else replies.set(key, replies.get(key)! + 1);
  });
  await new Promise((resolve) => ws.once('open', resolve));
});

afterAll(async () => {
  ws.close();
  await app.close({ timeoutMs: 500 });
  watch.stop();
});

test('the envelope codec never throws and never pollutes a prototype (10,000 random texts)', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
    fc.tuple(event, payload).map(([e, p]) => `{"event":${JSON.stringify(e)},"payload":${p},"id":1}`),
    hostile,
  );
  fc.assert(
    fc.property(text, (t) => {
      const envelope = parseEnvelope(t);
      if (envelope !== undefined) {
        expect(typeof envelope.event).toBe('string');
        expect(Object.getPrototypeOf(envelope)).toBe(Object.prototype);
      }
    }),
    { numRuns: 10_000 },
  );
  expect(prototypeKeys()).toEqual(cleanPrototype);
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

let nextId = 0;

/** Sends frames; resolves once every tracked id was answered (or rejects after a while). */
async function exchange(frames: Frame[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of frames) {
    if (f.kind === 'binary') {
      ws.send(f.bytes, { binary: true });
      continue;
    }
    if (!f.tracked) {
      ws.send(f.text);
      continue;
    }
    const n = nextId++;
    const id = n % 2 === 0 ? String(n) : JSON.stringify(`s${n}`);
    const key = n % 2 === 0 ? String(n) : `s${n}`;
    replies.set(key, 0);
    ids.push(key);
    ws.send(f.text.replace('@ID@', id));
  }
  const deadline = Date.now() + 10_000;
  while (ids.some((id) => replies.get(id) === 0)) {
    if (Date.now() > deadline) throw new Error(`no reply for ${ids.filter((id) => replies.get(id) === 0).length} ids`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return ids;
}

test('every one of 10,000 random frames is survived and every id gets exactly one reply or error', async () => {
  const started = Date.now();
  let frames = 0;
  let tracked = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(frameArb, { minLength: 100, maxLength: 100 }), async (batch) => {
      frames += batch.length;
      const ids = await exchange(batch);
      tracked += ids.length;
      // A late duplicate would land here: one round trip later every count must still be 1.
      await exchange([{ kind: 'text', text: '{"event":"echo","payload":0,"id":@ID@}', tracked: true }]);
      for (const id of ids) expect(replies.get(id)).toBe(1);
    }),
    { numRuns: 100 },
  );
  expect(strangers).toEqual([]);
  expect(watch.unhandled).toEqual([]);
  expect(watch.uncaught).toEqual([]);
  expect(prototypeKeys()).toEqual(cleanPrototype);
  expect(({} as { polluted?: unknown; isAdmin?: unknown }).polluted).toBeUndefined();
  expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  expect(ws.readyState).toBe(WebSocket.OPEN);
  report('fuzz', { frames, framesWithId: tracked, replies: [...replies.values()].reduce((a, b) => a + b, 0), unhandledRejections: watch.unhandled.length, seconds: (Date.now() - started) / 1000 });
});
