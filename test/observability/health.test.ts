import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bootstrap,
  InMemoryAdapter,
  Module,
  OnDisconnect,
  WebSocketController,
  type WsApp,
} from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { ObservedModule } from './observed-app';

/** An adapter whose cluster link can be cut, as a Redis adapter's would be. */
class FlakyAdapter extends InMemoryAdapter {
  connected = true;
  isConnected(): boolean {
    return this.connected;
  }
}

async function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

async function withApp(
  options: Parameters<typeof bootstrap>[1],
  run: (app: WsApp) => Promise<void>,
): Promise<void> {
  const app = await bootstrap(ObservedModule, { ...testOptions, ...options });
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

test('/healthz answers 200 while the process serves HTTP', async () => {
  await withApp({ health: true }, async (app) => {
    const res = await get(app.port, '/healthz');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });
});

test('/readyz answers 200 with its checks while accepting connections and the adapter is connected', async () => {
  await withApp({ health: true, adapter: new FlakyAdapter() }, async (app) => {
    const res = await get(app.port, '/readyz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok', checks: { accepting: true, adapter: true } });
  });
});

test('/readyz answers 503 while the adapter reports it is disconnected, and 200 again once it is back', async () => {
  const adapter = new FlakyAdapter();
  await withApp({ health: true, adapter }, async (app) => {
    adapter.connected = false;
    const down = await get(app.port, '/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({
      status: 'unavailable',
      checks: { accepting: true, adapter: false },
    });
    expect((await get(app.port, '/healthz')).status).toBe(200);
    adapter.connected = true;
    expect((await get(app.port, '/readyz')).status).toBe(200);
  });
});

test('/readyz answers 503 when the adapter readiness check throws', async () => {
  const adapter = new FlakyAdapter();
  adapter.isConnected = () => {
    throw new Error('link state unknown');
  };
  await withApp({ health: true, adapter }, async (app) => {
    expect((await get(app.port, '/readyz')).status).toBe(503);
  });
});

test('/readyz answers 503 once the app is shutting down', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let disconnecting!: () => void;
  const started = new Promise<void>((resolve) => (disconnecting = resolve));
  @WebSocketController('/hold')
  class HoldController {
    @OnDisconnect()
    async bye() {
      disconnecting();
      await held;
    }
  }
  @Module({ controllers: [HoldController] })
  class HoldModule {}
  const app = await bootstrap(HoldModule, { ...testOptions, health: true });
  const client = await connect(urlOf(app.port, '/hold'));
  const closing = app.close();
  await started;
  const res = await get(app.port, '/readyz');
  release();
  await closing;
  await client.closed;
  expect(res.status).toBe(503);
  expect(JSON.parse(res.body)).toEqual({
    status: 'unavailable',
    checks: { accepting: false, adapter: true },
  });
});

test('health paths can be moved, and answer only GET and HEAD', async () => {
  await withApp({ health: { livePath: '/live', readyPath: '/ready' } }, async (app) => {
    expect((await get(app.port, '/live')).status).toBe(200);
    expect((await get(app.port, '/ready', 'HEAD')).status).toBe(200);
    expect((await get(app.port, '/healthz')).status).toBe(426);
    const post = await fetch(`http://127.0.0.1:${app.port}/live`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

test('health endpoints are off by default', async () => {
  await withApp({}, async (app) => {
    expect((await get(app.port, '/healthz')).status).toBe(426);
    expect((await get(app.port, '/readyz')).status).toBe(426);
  });
});

describe('on a user-supplied server', () => {
  let server: Server;
  const seen: string[] = [];
  beforeEach(async () => {
    seen.length = 0;
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('from the user handler');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (): number => (server.address() as AddressInfo).port;

  test('our paths are answered by the framework and never reach the user handler; other paths do', async () => {
    const app = await bootstrap(ObservedModule, {
      ...testOptions,
      server,
      health: true,
      metrics: { path: '/metrics' },
    });
    try {
      expect((await get(port(), '/healthz')).status).toBe(200);
      expect((await get(port(), '/metrics')).body).toContain('ws_connections');
      expect(await get(port(), '/hello')).toMatchObject({ status: 200, body: 'from the user handler' });
      expect(seen).toEqual(['/hello']);
    } finally {
      await app.close();
    }
    // Closing the app gives the server back as it was.
    expect((await get(port(), '/healthz')).body).toBe('from the user handler');
    expect(seen).toEqual(['/hello', '/healthz']);
  });
});
