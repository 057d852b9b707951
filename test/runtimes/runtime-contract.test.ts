/**
 * One contract, three runtimes: the same controllers served by Node (ws), Bun and Deno, driven by a
 * `ws` client from Node. A behaviour that differs on one runtime fails a test named after it.
 */
import { buildRuntimeFixture } from './build-fixture';
import { runtimeAvailable, startRuntimeServer, type RuntimeName, type RuntimeServer } from './runtime-server';
import { connect, urlOf, type Refusal, type TestSocket } from '../support/ws-test-client';

let entry: string;
beforeAll(() => {
  entry = buildRuntimeFixture();
});

const runtimes: RuntimeName[] = ['node', 'bun', 'deno'];

for (const runtime of runtimes) {
  const available = runtimeAvailable(runtime);
  if (!available) {
    const message = `\n!!! ${runtime} is not installed (npm ci installs it as a dev dependency): its runtime contract is SKIPPED\n`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(message);
  }
  (available ? describe : describe.skip)(`runtime contract on ${runtime}`, () => {
    let server: RuntimeServer;
    let sockets: TestSocket[] = [];

    beforeAll(async () => {
      server = await startRuntimeServer(runtime, entry);
    }, 30_000);

    afterAll(async () => {
      await server?.stop();
    });

    afterEach(async () => {
      await Promise.all(sockets.map((s) => s.close()));
      sockets = [];
    });

    async function open(query = ''): Promise<TestSocket & { id: string }> {
      const socket = await connect(urlOf(server.port, `/chat${query}`));
      sockets.push(socket);
      const welcome = await socket.next('welcome');
      return Object.assign(socket, { id: (welcome.payload as { id: string }).id });
    }

    async function refusal(path: string): Promise<Refusal> {
      try {
        sockets.push(await connect(urlOf(server.port, path)));
      } catch (error) {
        return error as Refusal;
      }
      throw new Error('expected a refusal');
    }

    test(`${runtime}: an unknown path gets 404`, async () => {
      expect((await refusal('/nowhere')).status).toBe(404);
    });

    test(`${runtime}: @OnConnect refuses the upgrade with its status and code before the handshake`, async () => {
      const bad = await refusal('/chat?token=bad');
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ code: 'UNAUTHORIZED', message: 'bad token' });
      expect((await refusal('/chat?token=no')).status).toBe(403);
    });

    test(`${runtime}: what @OnConnect emits arrives right after the handshake, with a long random id`, async () => {
      const client = await open();
      expect(client.id.length).toBeGreaterThanOrEqual(16);
    });

    test(`${runtime}: replies carry the request id`, async () => {
      const client = await open();
      client.send({ event: 'echo', payload: { a: 1 }, id: 'x1' });
      expect(await client.next('echo')).toEqual({ event: 'echo', payload: { a: 1 }, id: 'x1' });
      expect((await client.request('echo', 5)).id).toEqual(expect.any(Number));
    });

    test(`${runtime}: BAD_MESSAGE, UNKNOWN_EVENT, VALIDATION_FAILED, INTERNAL_ERROR and WsException codes`, async () => {
      const strict = await connect(urlOf(server.port, '/strict'));
      sockets.push(strict);
      strict.send('{not json');
      expect((await strict.next('error')).payload).toMatchObject({ code: 'BAD_MESSAGE' });
      strict.ws.send(Buffer.from([1]));
      expect((await strict.next('error')).payload).toMatchObject({ code: 'BAD_MESSAGE' });
      expect((await strict.request('ping')).payload).toBe('pong');
      const client = await open();
      expect((await client.request('nope')).payload).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'nope' });
      const invalid = await client.request('typing', { room: '', typing: 1 });
      expect(invalid.payload).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(
        (invalid.payload as { details: Array<{ property: string }> }).details.map((d) => d.property).sort(),
      ).toEqual(['room', 'typing']);
      const crash = await client.request('crash');
      expect(crash.payload).toMatchObject({ code: 'INTERNAL_ERROR' });
      expect(JSON.stringify(crash)).not.toContain('secret');
      expect((await client.request('refuse')).payload).toMatchObject({ code: 'NOPE', message: 'not today' });
      expect((await client.request('echo', 'alive')).payload).toBe('alive');
    });

    test(`${runtime}: a valid DTO payload arrives as an instance`, async () => {
      const client = await open();
      expect((await client.request('typing', { room: 'a', typing: true })).payload).toEqual({
        room: 'a',
        isDto: true,
      });
    });

    test(`${runtime}: raw text and binary frames reach @OnRawMessage`, async () => {
      const client = await open();
      client.send('plain');
      const text = await client.nextRaw();
      expect(text.data.toString()).toBe('raw:plain');
      client.ws.send(Buffer.from([1, 2, 3]));
      const bytes = await client.nextRaw();
      expect([...bytes.data]).toEqual([1, 2, 3]);
    });

    test(`${runtime}: a message over maxPayload closes that connection with 1009 and no other`, async () => {
      const big = await open();
      const other = await open();
      big.emit('echo', 'x'.repeat(70 * 1024));
      expect((await big.closed).code).toBe(1009);
      expect((await other.request('echo', 'fine')).payload).toBe('fine');
    });

    test(`${runtime}: @OnDisconnect sees the close code and reason`, async () => {
      const leaving = await open();
      const watcher = await open();
      await leaving.close(4100, 'see you');
      await waitFor(
        async () =>
          JSON.stringify((await watcher.request('last-disconnect')).payload) ===
          '{"code":4100,"reason":"see you"}',
      );
    });

    test(`${runtime}: rooms reach members once, never the sender of toRoom, and honour excepts`, async () => {
      const [a, b, c] = [await open(), await open(), await open()];
      await a.request('join', 'r1');
      await b.request('join', 'r1');
      await b.request('join', 'r2');
      await c.request('join', 'r2');
      await a.request('to-room', { room: 'r1', text: 'hi' });
      expect((await b.next('room-message')).payload).toBe('hi');
      await a.request('room-emit', { rooms: ['r1'], text: 'all of r1' });
      const push = (text: string) => (m: { event: string; payload?: unknown; id?: unknown }) =>
        m.event === 'room-emit' && m.payload === text && m.id === undefined;
      await a.waitFor(push('all of r1'));
      await b.waitFor(push('all of r1'));
      await a.request('room-emit', { rooms: ['r1', 'r2'], except: [c.id], text: 'once' });
      await b.waitFor(push('once'));
      await a.request('send-to', { id: c.id, text: 'marker' });
      await c.next('direct');
      expect(c.received.filter((m) => m.event === 'room-emit' && m.id === undefined)).toEqual([]);
      expect(a.received.filter((m) => m.event === 'room-message')).toEqual([]);
      expect(b.received.filter((m) => m.payload === 'once')).toHaveLength(1);
    });

    test(`${runtime}: sends by id and broadcasts reach the right clients`, async () => {
      const [a, b] = [await open(), await open()];
      expect((await a.request('send-to', { id: b.id, text: 'psst' })).payload).toBe(true);
      expect((await b.next('direct')).payload).toBe('psst');
      expect((await a.request('send-to', { id: 'nobody', text: 'x' })).payload).toBe(false);
      await a.request('broadcast', 'to everyone else');
      expect((await b.next('broadcast')).payload).toBe('to everyone else');
    });

    test(`${runtime}: app.close() closes every client with 1001`, async () => {
      const [a, b] = [await open(), await open()];
      a.emit('shutdown');
      expect((await a.closed).code).toBe(1001);
      expect((await b.closed).code).toBe(1001);
      expect(await server.exited).toBe(0);
      expect(server.output.join('')).toContain('CLOSED');
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
