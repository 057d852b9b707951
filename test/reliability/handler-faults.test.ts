/**
 * Reliability 4: handler faults. Sync throws, async rejections, never-settling promises (with
 * `handlerTimeoutMs`) and failing `@OnDisconnect` hooks: no unhandled rejection, each faulty call
 * answered, and a bystander client's requests all answered meanwhile.
 */
import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Received } from '../support/ws-test-client';
import { watchFaults } from './support/fault-watch';
import { report } from './support/figures';
import { Journal, ReliabilityModule } from './support/reliability-app';

let app: WsApp;
// A process-level 'unhandledRejection' / 'uncaughtException' listener for the whole file.
const watch = watchFaults();
const { unhandled, uncaught } = watch;

beforeAll(async () => {
  app = await bootstrap(ReliabilityModule, { ...testOptions, handlerTimeoutMs: 200 });
});

afterAll(async () => {
  await app.close({ timeoutMs: 1000 });
  watch.stop();
});

test('faulty handlers are answered with errors while a bystander keeps getting every reply', async () => {
  const faulty = await connect(urlOf(app.port, '/r?token=faulty'));
  const bystander = await connect(urlOf(app.port, '/r?token=bystander'));
  const started = Date.now();
  const rounds = 200;

  const faults = Promise.all(
    Array.from({ length: rounds }, (_, i) =>
      Promise.all([
        faulty.request('sync-throw', i, 10_000),
        faulty.request('async-reject', i, 10_000),
        faulty.request('never', i, 10_000),
        faulty.request('refuse', i, 10_000),
      ]),
    ),
  );
  let bystanderReplies = 0;
  for (let i = 0; i < 2000; i++) {
    const reply = await bystander.request('async-echo', i, 10_000);
    expect(reply.payload).toBe(i);
    bystanderReplies++;
  }
  const answered = (await faults).flat();
  const codes = new Map<string, number>();
  for (const reply of answered as Received[]) {
    expect(reply.event).toBe('error');
    const code = (reply.payload as { code: string }).code;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  expect(Object.fromEntries(codes)).toEqual({ INTERNAL_ERROR: 2 * rounds, HANDLER_TIMEOUT: rounds, NOPE: rounds });
  // Internal errors leak nothing.
  expect(JSON.stringify(answered)).not.toContain('sync failure');
  expect((await faulty.request('echo', 'still fine')).payload).toBe('still fine');
  await Promise.all([faulty.close(), bystander.close()]);
  report('handler-faults', {
    faultyCalls: answered.length,
    codes: Object.fromEntries(codes),
    bystanderReplies,
    unhandledRejections: unhandled.length,
    uncaughtExceptions: uncaught.length,
    seconds: (Date.now() - started) / 1000,
  });
  expect(unhandled).toEqual([]);
  expect(uncaught).toEqual([]);
});

test('@OnDisconnect hooks that throw or reject hurt no one and leave no unhandled rejection', async () => {
  const journal = app.get(Journal);
  const before = journal.disconnects;
  const bystander = await connect(urlOf(app.port, '/r?token=bystander'));
  for (let i = 0; i < 100; i++) {
    const a = await connect(urlOf(app.port, '/faulty-exit'));
    const b = await connect(urlOf(app.port, '/faulty-exit-sync'));
    await Promise.all([a.close(), b.close()]);
    expect((await bystander.request('echo', i)).payload).toBe(i);
  }
  await journal.disconnected(before + 200);
  await bystander.close();
  // Give pending rejections a turn to surface before asserting there were none.
  await new Promise((resolve) => setImmediate(resolve));
  report('handler-faults', { failingDisconnectHooks: 200, unhandledRejections: unhandled.length, uncaughtExceptions: uncaught.length });
  expect(unhandled).toEqual([]);
  expect(uncaught).toEqual([]);
});
