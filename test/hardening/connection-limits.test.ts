import { bootstrap, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { HardenedModule, Journal } from './hardening-app';

let app: WsApp | undefined;
const sockets: TestSocket[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await app?.close();
  app = undefined;
});

async function start(options: BootstrapOptions): Promise<WsApp> {
  app = await bootstrap(HardenedModule, { ...testOptions, ...options });
  return app;
}

async function open(port: number, query = ''): Promise<TestSocket> {
  const socket = await connect(urlOf(port, '/h' + query));
  sockets.push(socket);
  return socket;
}

test('maxConnections refuses the next upgrade with 503 TOO_MANY_CONNECTIONS', async () => {
  const running = await start({ maxConnections: 2 });
  await open(running.port);
  await open(running.port);
  await expect(open(running.port)).rejects.toMatchObject({ status: 503, body: { code: 'TOO_MANY_CONNECTIONS' } });
});

test('maxConnectionsPerIp refuses the next upgrade from that address with 429', async () => {
  const running = await start({ maxConnectionsPerIp: 1 });
  await open(running.port);
  await expect(open(running.port)).rejects.toMatchObject({ status: 429, body: { code: 'TOO_MANY_CONNECTIONS_PER_IP' } });
});

test('a closed connection gives its slot back', async () => {
  const running = await start({ maxConnections: 1, maxConnectionsPerIp: 1 });
  const first = await open(running.port);
  await first.close();
  await running.get(Journal).disconnected(1);
  await open(running.port);
});

test('an upgrade refused after the limit gate (by @OnConnect) gives its slot back', async () => {
  const running = await start({ maxConnections: 1 });
  await expect(open(running.port, '?token=missing')).rejects.toMatchObject({ status: 401 });
  await expect(open(running.port, '?token=missing')).rejects.toMatchObject({ status: 401 });
  await open(running.port);
});

test('pending upgrades count against the limit', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const running = await start({ maxConnections: 1, gates: [() => held] });
  const pending = open(running.port);
  // The gate of the first upgrade is still waiting: it holds the only slot.
  await expect(open(running.port)).rejects.toMatchObject({ status: 503 });
  release();
  await pending;
});

test('connectionRateLimit refuses upgrades past its bucket from one address with 429 CONNECTION_RATE_LIMITED', async () => {
  const running = await start({ connectionRateLimit: { points: 2, perMs: 60_000 } });
  await (await open(running.port)).close();
  await (await open(running.port)).close();
  await expect(open(running.port)).rejects.toMatchObject({ status: 429, body: { code: 'CONNECTION_RATE_LIMITED' } });
  const elsewhere = await connect(urlOf(running.port, '/h'), { localAddress: '127.0.0.2' });
  sockets.push(elsewhere);
  expect(elsewhere.ws.readyState).toBe(elsewhere.ws.OPEN);
});
