/** Streamed replies over real sockets: items, end, errors, cancellation, disconnects, slow readers. */
import { bootstrap, type WsApp } from 'ws-controllers';
import { connect as connectClient, type Client, type ClientError } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { connect as rawConnect, urlOf, type TestSocket } from '../support/ws-test-client';
import { TwoWayLog, TwoWayModule, type ConnectionInternals } from './fixtures/two-way-app';

let app: WsApp;
let log: TwoWayLog;
const clients: Client[] = [];
const raws: TestSocket[] = [];

async function start(options = {}): Promise<void> {
  app = await bootstrap(TwoWayModule, { ...testOptions, ...options });
  log = app.get(TwoWayLog);
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(raws.splice(0).map((r) => r.close()));
  await app.close();
});

function open(): Client {
  const client = connectClient(`ws://127.0.0.1:${app.port}/two-way`);
  clients.push(client);
  return client;
}

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected a rejection');
}

const internals = (id: string): ConnectionInternals => log.clients.get(id) as unknown as ConnectionInternals;

describe('streamed replies', () => {
  beforeEach(() => start());

  it('sends every item of an async generator, then the end', async () => {
    const client = open();
    await expect(collect(client.stream('count', { n: 50 }))).resolves.toEqual(Array.from({ length: 50 }, (_, i) => i));
    await expect(collect(client.stream('count', { n: 0 }))).resolves.toEqual([]);
  });

  it('sends the items of an observable (anything with subscribe), then the end', async () => {
    const client = open();
    await expect(collect(client.stream('ticks', 3))).resolves.toEqual([{ tick: 0 }, { tick: 1 }, { tick: 2 }]);
  });

  it('ends with the error envelope when the source throws, after the items before it', async () => {
    const client = open();
    const items: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const item of client.stream('fail-after')) items.push(item);
      })(),
    );
    expect(items).toEqual([1, 2]);
    expect([error.code, error.message]).toEqual(['TAIL_FAILED', 'the log went away']);
  });

  it('applies validation and guards as for any handler', async () => {
    const client = open();
    expect((await failure(collect(client.stream('count', { n: -1 })))).code).toBe('VALIDATION_FAILED');
    expect((await failure(collect(client.stream('guarded')))).code).toBe('FORBIDDEN');
  });

  it('breaking out of for await cancels the generator on the server (return())', async () => {
    const client = open();
    const id = (await client.request('whoami')) as string;
    const items: unknown[] = [];
    for await (const item of client.stream('forever')) {
      items.push(item);
      if (items.length === 3) break;
    }
    await log.stoppedOnce('forever');
    expect(items).toEqual([0, 1, 2]);
    expect(internals(id).openStreams).toBe(0);
  });

  it('an AbortSignal cancels it on the server and rejects the reader with ABORTED', async () => {
    const client = open();
    const controller = new AbortController();
    const items: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const item of client.stream('forever', undefined, { signal: controller.signal })) {
          items.push(item);
          if (items.length === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    await log.stoppedOnce('forever');
  });

  it('cancelling an observable stream unsubscribes it', async () => {
    const client = open();
    for await (const item of client.stream('ticks', 1_000_000)) {
      expect(item).toEqual({ tick: 0 });
      break;
    }
    await log.stoppedOnce('ticks');
  });

  it("the client's disconnect mid-stream stops the source; the reader gets DISCONNECTED", async () => {
    const client = open();
    const reading = failure(
      (async () => {
        for await (const item of client.stream('forever')) if (item === 2) await client.close();
      })(),
    );
    await log.stoppedOnce('forever');
    expect(['DISCONNECTED', 'CLOSED']).toContain((await reading).code);
  });

  it('speaks the documented wire form: items with the id and stream:true, an end frame, {"cancel": id}', async () => {
    const raw = await rawConnect(urlOf(app.port, '/two-way'));
    raws.push(raw);
    raw.send({ event: 'count', payload: { n: 2 }, id: 'c1' });
    const end = await raw.waitFor((m) => m.id === 'c1' && (m as { end?: boolean }).end === true);
    expect(raw.received.filter((m) => m.id === 'c1')).toEqual([
      { event: 'count', payload: 0, id: 'c1', stream: true },
      { event: 'count', payload: 1, id: 'c1', stream: true },
      { event: 'count', id: 'c1', end: true },
    ]);
    expect(end).toEqual({ event: 'count', id: 'c1', end: true });
    raw.send({ event: 'forever', id: 7 });
    await raw.waitFor((m) => m.id === 7);
    raw.send({ cancel: 7 });
    await log.stoppedOnce('forever');
    raw.send({ cancel: 12345 }); // no such stream: dropped silently
    expect((await raw.request('whoami')).event).toBe('whoami');
    expect(raw.received.filter((m) => m.event === 'error')).toEqual([]);
  });

  it('refuses a 65th concurrent stream on one connection with STREAM_LIMIT; the others keep running', async () => {
    const raw = await rawConnect(urlOf(app.port, '/two-way'));
    raws.push(raw);
    // Stream ids from 101 on: the test socket's own requests count from 1.
    for (let id = 101; id <= 165; id++) raw.send({ event: 'forever', id });
    const refused = await raw.waitFor((m) => m.event === 'error' && m.id === 165);
    expect((refused.payload as { code: string }).code).toBe('STREAM_LIMIT');
    const id = (await raw.request('whoami')).payload as string;
    expect(internals(id).openStreams).toBe(64);
    raw.send({ cancel: 101 });
    raw.send({ event: 'forever', id: 166 }); // room again
    await raw.waitFor((m) => m.id === 166);
    expect(raw.received.filter((m) => m.event === 'error')).toHaveLength(1);
  });

  it('a slow reader holds the producer back: it pulls only while the socket holds under 64 KiB', async () => {
    const raw = await rawConnect(urlOf(app.port, '/two-way'));
    raws.push(raw);
    raw.ws.pause(); // the reader stops reading: the kernel buffers fill, then the server's socket buffer
    raw.send({ event: 'flood', id: 1 });
    // Wait (bounded) until production stalls: without backpressure it would run to the 8 MiB
    // slow-consumer limit and the server would close the socket with 1013.
    let last = -1;
    for (let i = 0; i < 100 && log.produced !== last; i++) {
      last = log.produced;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(log.produced).toBe(last);
    expect(log.maxBuffered).toBeLessThan(64 * 1024);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    const stalledAt = log.produced;
    raw.ws.resume(); // reading again: production resumes
    await raw.waitFor(() => log.produced > stalledAt + 10, 10_000);
    raw.send({ cancel: 1 });
    await log.stoppedOnce('flood');
  });
});

describe('streams and handlerTimeoutMs', () => {
  beforeEach(() => start({ handlerTimeoutMs: 100 }));

  it('applies until the first item', async () => {
    const client = open();
    expect((await failure(collect(client.stream('slow-start')))).code).toBe('HANDLER_TIMEOUT');
    // A stream that yields in time runs past the timeout.
    const items: unknown[] = [];
    for await (const item of client.stream('forever')) {
      items.push(item);
      if (items.length === 40) break; // about 200 ms of items, 5 ms apart
    }
    expect(items).toHaveLength(40);
  });
});
