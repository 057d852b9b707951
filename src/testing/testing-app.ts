/**
 * @module testing/testing-app
 * `createTestingApp()`: the real `bootstrap()` pipeline (gates, `@OnConnect`, validation, rooms,
 * errors), served in-process by default or on a real port with `{ transport: 'ws' }`, with
 * provider overrides and a `connect()` that returns a `TestClient`.
 */
import { randomBytes } from 'node:crypto';
import { bootstrap } from '../app/bootstrap';
import type { BootstrapOptions } from '../app/options';
import type { WsApp } from '../app/ws-app';
import type { ConnectionHandle } from '../spi/handles';
import type { EngineObserver } from '../spi/extensions';
import type { Provider, ProviderToken } from '../metadata/types';
import type { Handshake } from '../spi/transport';
import { InProcessTransport } from './in-process-transport';
import { TestClient } from './test-client';
import { connectWs } from './ws-pipe';

type Class = new (...args: never[]) => unknown;

/** Where a testing app serves its controllers. */
export type TestingTransport = 'in-process' | 'ws';

/** Options of `createTestingApp()`: any `bootstrap()` option, plus overrides and the transport. */
export interface TestingAppOptions extends Omit<BootstrapOptions, 'transport' | 'port' | 'host' | 'server' | 'overrides'> {
  /** Providers that replace the module's (same tokens): classes, `useValue`, `useClass`, `useFactory`. */
  providers?: Provider[] | undefined;
  /**
   * `'in-process'` runs without a port; `'ws'` serves on 127.0.0.1 (a free port) and connects real sockets.
   * @default process.env.WS_CONTROLLERS_TEST_TRANSPORT, else 'in-process'
   */
  transport?: TestingTransport | undefined;
}

/** Options of `TestingApp.connect()`. */
export interface TestConnectOptions {
  /** Query parameters (merged over any in the path). */
  query?: Record<string, string | number | boolean> | undefined;
  /** Handshake headers. */
  headers?: Record<string, string> | undefined;
}

const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
// Lets the app match a real socket to its server-side connection, to give the client its id.
const CLIENT_HEADER = 'x-ws-controllers-test-client';

function splitPath(path: string, extra: TestConnectOptions['query']): { path: string; query: Record<string, string> } {
  const start = path.indexOf('?');
  const query = start === -1 ? {} : Object.fromEntries(new URLSearchParams(path.slice(start + 1)));
  for (const [name, value] of Object.entries(extra ?? {})) query[name] = String(value);
  return { path: start === -1 ? path : path.slice(0, start), query };
}

function lowerCaseKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** A running app under test. */
export class TestingApp {
  private readonly clients = new Set<TestClient>();
  private readonly opened = new Map<string, ConnectionHandle>();

  /** @internal Use `createTestingApp()`. */
  constructor(
    /** The app `bootstrap()` returned. */
    readonly app: WsApp,
    /** Where it serves. */
    readonly transport: TestingTransport,
    private readonly inProcess: InProcessTransport | undefined,
    observer: { current?: (connection: ConnectionHandle) => void },
  ) {
    observer.current = (connection) => {
      const key = connection.headers[CLIENT_HEADER];
      if (typeof key === 'string') this.opened.set(key, connection);
    };
  }

  /** The port with `transport: 'ws'`; 0 in-process. */
  get port(): number {
    return this.app.port;
  }

  /** Resolves a provider from the app's container (an override when one was given). */
  get<T>(token: ProviderToken<T>): T {
    return this.app.get(token);
  }

  /**
   * Connects a test client to `path` (which may carry a query string). Rejects with a
   * `ConnectionRefusedError` (`status`, `code`, `message`) when the handshake is refused.
   */
  async connect(path: string, options: TestConnectOptions = {}): Promise<TestClient> {
    const target = splitPath(path, options.query);
    const key = randomBytes(12).toString('base64url');
    const headers = { ...lowerCaseKeys(options.headers), [CLIENT_HEADER]: key };
    const client = new TestClient();
    if (this.inProcess) {
      const handshake: Handshake = {
        path: target.path,
        query: target.query,
        headers: { host: 'localhost', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', ...headers },
        remoteAddress: '127.0.0.1',
      };
      const { pipe, connection } = await this.inProcess.connect(handshake, client.listener);
      client.attach(pipe, connection.id);
    } else {
      const search = new URLSearchParams(target.query).toString();
      const url = `ws://127.0.0.1:${this.port}${target.path}${search ? `?${search}` : ''}`;
      const pipe = await connectWs(url, headers, client.listener);
      client.attach(pipe, this.opened.get(key)?.id ?? '');
    }
    this.opened.delete(key);
    this.clients.add(client);
    void client.closed.then(() => this.clients.delete(client));
    return client;
  }

  /** Closes every client (1001) and the app; waits for `@OnDisconnect` handlers. */
  async close(): Promise<void> {
    await this.app.close();
    await Promise.all([...this.clients].map((client) => client.closed));
  }
}

/**
 * Starts `module` for a test with the production pipeline and no port (or a real one with
 * `{ transport: 'ws' }`). Logging is off unless a `logger` is given.
 * @example
 * const app = await createTestingApp(ChatModule, { providers: [{ provide: UserStore, useValue: fakeStore }] });
 * const client = await app.connect('/chat', { query: { token: 'good' } });
 * expect(await client.request('echo', { text: 'hi' })).toEqual({ text: 'hi' });
 * await app.close();
 */
export async function createTestingApp(module: Class, options: TestingAppOptions = {}): Promise<TestingApp> {
  const { providers, transport: requested, ...rest } = options;
  const transport = requested ?? (process.env.WS_CONTROLLERS_TEST_TRANSPORT === 'ws' ? 'ws' : 'in-process');
  if (transport !== 'in-process' && transport !== 'ws') throw new Error(`Unknown testing transport '${String(transport)}': use 'in-process' or 'ws'`);
  const inProcess = transport === 'in-process' ? new InProcessTransport({ maxPayload: rest.maxPayload ?? DEFAULT_MAX_PAYLOAD }) : undefined;
  const hook: { current?: (connection: ConnectionHandle) => void } = {};
  const observer: EngineObserver = { opened: (connection) => hook.current?.(connection) };
  const app = await bootstrap(module, {
    logger: false,
    ...rest,
    overrides: providers,
    observers: [...(rest.observers ?? []), observer],
    ...(inProcess ? { transport: inProcess } : { port: 0, host: '127.0.0.1' }),
  });
  return new TestingApp(app, transport, inProcess, hook);
}
