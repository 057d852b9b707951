/** The server asks, the client answers: WsClient.request and rooms.to(...).request over real sockets. */
import { bootstrap, WsException, type WsApp, type WsClient } from 'ws-controllers';
import { connect as connectClient, type Client } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { connect as rawConnect, urlOf, type TestSocket } from '../support/ws-test-client';
import { TwoWayLog, TwoWayModule, type ConnectionInternals } from './fixtures/two-way-app';

let app: WsApp;
let log: TwoWayLog;
const clients: Array<Client<object, object>> = [];
const raws: TestSocket[] = [];

beforeEach(async () => {
  app = await bootstrap(TwoWayModule, testOptions);
  log = app.get(TwoWayLog);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(raws.splice(0).map((r) => r.close()));
  await app.close();
});

async function open(): Promise<{ client: Client; server: WsClient }> {
  const client = connectClient(`ws://127.0.0.1:${app.port}/two-way`);
  clients.push(client as Client<object, object>);
  const id = (await client.request('whoami')) as string;
  return { client, server: log.clients.get(id)! };
}

async function openRaw(): Promise<{ raw: TestSocket; server: WsClient }> {
  const raw = await rawConnect(urlOf(app.port, '/two-way'));
  raws.push(raw);
  const id = (await raw.request('whoami')).payload as string;
  return { raw, server: log.clients.get(id)! };
}

async function rejection(promise: Promise<unknown>): Promise<WsException> {
  try {
    await promise;
  } catch (error) {
    return error as WsException;
  }
  throw new Error('expected a rejection');
}

const internals = (client: WsClient): ConnectionInternals => client as unknown as ConnectionInternals;

describe('WsClient.request', () => {
  it("resolves with the answer of the client's handler (sync and async)", async () => {
    const { client, server } = await open();
    client.handle<{ text: string }>('confirm', async (q) => ({ ok: q.text === 'Delete?' }));
    client.handle('double', (n: number) => n * 2);
    await expect(server.request('confirm', { text: 'Delete?' }, { timeoutMs: 5_000 })).resolves.toEqual({ ok: true });
    await expect(server.request('double', 21, { timeoutMs: 5_000 })).resolves.toBe(42);
    expect(internals(server).pendingRequests).toBe(0);
  });

  it("rejects with the client's error: its code and message, INTERNAL_ERROR for a plain throw, UNKNOWN_EVENT without a handler", async () => {
    const { client, server } = await open();
    client.handle('coded', () => {
      throw Object.assign(new Error('not allowed here'), { code: 'NOPE' });
    });
    client.handle('plain', async () => {
      throw new Error('boom');
    });
    const coded = await rejection(server.request('coded', null, { timeoutMs: 5_000 }));
    expect(coded).toBeInstanceOf(WsException);
    expect([coded.code, coded.message]).toEqual(['NOPE', 'not allowed here']);
    const plain = await rejection(server.request('plain', null, { timeoutMs: 5_000 }));
    expect([plain.code, plain.message]).toEqual(['INTERNAL_ERROR', 'boom']);
    const unknown = await rejection(server.request('nobody-handles', null, { timeoutMs: 5_000 }));
    expect(unknown.code).toBe('UNKNOWN_EVENT');
    expect(internals(server).pendingRequests).toBe(0);
  });

  it('rejects with TIMEOUT when no answer comes in time, and ignores the late answer', async () => {
    const { client, server } = await open();
    let release: (v: string) => void = () => undefined;
    client.handle('slow', () => new Promise<string>((resolve) => (release = resolve)));
    const error = await rejection(server.request('slow', null, { timeoutMs: 50 }));
    expect(error.code).toBe('TIMEOUT');
    expect(internals(server).pendingRequests).toBe(0);
    release('late');
    client.handle('fast', () => 'now');
    await expect(server.request('fast', null, { timeoutMs: 5_000 })).resolves.toBe('now');
  });

  it('rejects with DISCONNECTED when the client leaves first, and at once on a closed client', async () => {
    const { client, server } = await open();
    client.handle('never', () => new Promise(() => undefined));
    const asked = rejection(server.request('never', null, { timeoutMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.close();
    const error = await asked;
    expect(error.code).toBe('DISCONNECTED');
    expect(internals(server).pendingRequests).toBe(0);
    expect((await rejection(server.request('never', null, { timeoutMs: 60_000 }))).code).toBe('DISCONNECTED');
  });

  it('throws a TypeError without a valid timeoutMs (no request waits forever)', async () => {
    const { server } = await open();
    const bad: unknown[] = [undefined, {}, { timeoutMs: 0 }, { timeoutMs: -1 }, { timeoutMs: Infinity }, { timeoutMs: NaN }, { timeoutMs: '100' }, { timeoutMs: 2 ** 31 }];
    for (const options of bad) {
      expect(() => server.request('x', null, options as { timeoutMs: number })).toThrow(TypeError);
    }
    expect(internals(server).pendingRequests).toBe(0);
  });

  it('speaks the documented wire form with a raw client: ack numbers separate from its own ids', async () => {
    const { raw, server } = await openRaw();
    const asked = server.request('confirm', { text: 'Delete?' }, { timeoutMs: 5_000 });
    const frame = (await raw.next('confirm')) as { event: string; payload: unknown; ack?: unknown; id?: unknown };
    expect(frame.payload).toEqual({ text: 'Delete?' });
    expect(typeof frame.ack).toBe('number');
    expect(frame.id).toBeUndefined();
    // The client's own request with the same number as the ack is a different thing.
    raw.send({ event: 'whoami', id: frame.ack });
    expect((await raw.waitFor((m) => m.id === frame.ack)).payload).toBe(server.id);
    // An answer to an unknown ack is dropped silently; the real one settles the request.
    raw.send({ ack: 999_999, payload: 'stray' });
    raw.send({ ack: frame.ack, payload: true });
    await expect(asked).resolves.toBe(true);
    const second = server.request('confirm', null, { timeoutMs: 5_000 });
    const next = (await raw.next('confirm')) as unknown as { ack: number };
    expect(next.ack).not.toBe(frame.ack);
    raw.send({ ack: next.ack, error: { code: 'DECLINED', message: 'no' } });
    expect((await rejection(second)).code).toBe('DECLINED');
    expect(raw.received.filter((m) => m.event === 'error')).toEqual([]);
  });

  it('leaves no pending request behind under churn (many requests, clients leaving mid-request)', async () => {
    const peers = await Promise.all(Array.from({ length: 12 }, () => open()));
    peers.forEach(({ client }, i) => {
      client.handle('work', (n: number) => new Promise((resolve) => setTimeout(() => resolve(n + i), (n % 5) * 3)));
    });
    const outcomes: Array<Promise<string>> = [];
    for (let round = 0; round < 20; round++) {
      for (const { server } of peers) {
        outcomes.push(server.request('work', round, { timeoutMs: 2_000 }).then(() => 'answer', (e: WsException) => e.code));
      }
    }
    // Half of them leave while requests are in flight.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(peers.slice(0, 6).map(({ client }) => client.close()));
    const codes = await Promise.all(outcomes);
    expect(new Set(codes)).toEqual(new Set(['answer', 'DISCONNECTED']));
    expect(codes.filter((c) => c === 'answer').length).toBeGreaterThanOrEqual(6 * 20);
    for (const { server } of peers) expect(internals(server).pendingRequests).toBe(0);
  });
});

describe('rooms.to(...).request', () => {
  it('collects one answer per member, resolving early when all answered', async () => {
    const peers = await Promise.all([open(), open(), open()]);
    for (const [i, { client }] of peers.entries()) {
      client.handle('vote', (poll: { options: string[] }) => poll.options[i % 2]);
      await client.request('join', 'voters');
    }
    const outsider = await open();
    outsider.client.handle('vote', () => 'outsider');
    // A long timeout: the test only finishes in time because the result comes when all answered.
    const { replies, missing } = await log.rooms.to('voters').request('vote', { options: ['yes', 'no'] }, { timeoutMs: 60_000 });
    expect(missing).toEqual([]);
    expect(replies.map((r) => r.clientId).sort()).toEqual(peers.map((p) => p.server.id).sort());
    expect(replies.map((r) => r.payload).sort()).toEqual(['no', 'yes', 'yes']);
  });

  it('resolves at the timeout with what arrived and the ids that did not answer; errors are answers; except() is honoured', async () => {
    const [a, b, c, d] = await Promise.all([open(), open(), open(), open()]);
    a!.client.handle('vote', () => 'yes');
    b!.client.handle('vote', () => new Promise(() => undefined)); // never answers
    // c has no handler: it answers UNKNOWN_EVENT
    d!.client.handle('vote', () => 'excluded');
    for (const p of [a!, b!, c!, d!]) await p.client.request('join', 'voters');
    const { replies, missing } = await log.rooms.to('voters').except(d!.server.id).request('vote', null, { timeoutMs: 150 });
    expect(missing).toEqual([b!.server.id]);
    expect(replies).toHaveLength(2);
    expect(replies.find((r) => r.clientId === a!.server.id)).toEqual({ clientId: a!.server.id, payload: 'yes' });
    expect(replies.find((r) => r.clientId === c!.server.id)?.error?.code).toBe('UNKNOWN_EVENT');
    expect(internals(b!.server).pendingRequests).toBe(0);
  });

  it('counts a member that leaves mid-request as missing, and an empty room resolves at once', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    a!.client.handle('vote', () => 'yes');
    b!.client.handle('vote', () => new Promise(() => undefined));
    await a!.client.request('join', 'voters');
    await b!.client.request('join', 'voters');
    const asked = log.rooms.to('voters').request('vote', null, { timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b!.client.close();
    const { replies, missing } = await asked;
    expect(replies).toEqual([{ clientId: a!.server.id, payload: 'yes' }]);
    expect(missing).toEqual([b!.server.id]);
    await expect(log.rooms.to('nobody-here').request('vote', null, { timeoutMs: 60_000 })).resolves.toEqual({ replies: [], missing: [] });
    expect(() => log.rooms.to('voters').request('vote', null, {} as { timeoutMs: number })).toThrow(TypeError);
  });
});
