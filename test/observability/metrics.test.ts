import { Registry } from 'prom-client';
import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Refusal, type TestSocket } from '../support/ws-test-client';
import { parseExposition, valueOf, type Family } from './exposition-parser';
import { ObservedModule } from './observed-app';
import { loadPromClient, MISSING_PROM_CLIENT } from '../../src/observability/prom-loader';

interface Traffic {
  app: WsApp;
  families: Map<string, Family>;
  text: string;
}

/** Scripted traffic: 3 clients, 2 refusals, replies, a room push, 5 kinds of error, one disconnect. */
async function scriptedTraffic(): Promise<Traffic> {
  let closed!: () => void;
  const idleClosed = new Promise<void>((resolve) => (closed = resolve));
  const app = await bootstrap(ObservedModule, {
    ...testOptions,
    metrics: true,
    observers: [{ closed: (c) => c.path === '/idle' && closed() }],
  });
  const url = (path: string): string => urlOf(app.port, path);
  const sockets: TestSocket[] = [];
  try {
    const a = await connect(url('/chat/lobby'));
    const b = await connect(url('/chat/lobby'));
    const idle = await connect(url('/idle'));
    sockets.push(a, b);
    await expect(connect(url('/chat/lobby?token=bad'))).rejects.toMatchObject({
      status: 401,
    } satisfies Partial<Refusal>);
    await expect(connect(url('/nowhere'))).rejects.toMatchObject({ status: 404 });
    for (let i = 0; i < 3; i++) await a.request('echo', { i });
    await a.request('say', { text: 'hi' });
    await b.waitFor((m) => m.event === 'said');
    await a.waitFor((m) => m.event === 'said');
    await a.request('boom');
    await a.request('deny');
    await a.request('say', { text: '' });
    await a.request('nope');
    a.send('not json');
    await a.waitFor((m) => (m.payload as { code?: string } | undefined)?.code === 'BAD_MESSAGE');
    await a.request('slow');
    await idle.close();
    await idleClosed;
    const text = await app.metrics();
    return { app, families: parseExposition(text), text };
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}

describe('metrics after scripted traffic', () => {
  let traffic: Traffic;
  beforeAll(async () => {
    traffic = await scriptedTraffic();
  });
  afterAll(() => traffic?.app.close());
  const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
    valueOf(traffic.families, name, labels);

  test('the exposition text parses as Prometheus text format with a TYPE for every family', () => {
    for (const family of traffic.families.values()) expect(family.type).not.toBe('untyped');
    expect(traffic.families.get('ws_handler_duration_seconds')?.type).toBe('histogram');
    expect(traffic.families.get('ws_messages_in_total')?.type).toBe('counter');
    expect(traffic.families.get('ws_connections')?.type).toBe('gauge');
  });

  test('connections are a gauge per controller path pattern, idle paths included', () => {
    expect(value('ws_connections', { path: '/chat/:room' })).toBe(2);
    expect(value('ws_connections', { path: '/idle' })).toBe(0);
  });

  test('connects and disconnects are counted per controller path', () => {
    expect(value('ws_connects_total', { path: '/chat/:room' })).toBe(2);
    expect(value('ws_connects_total', { path: '/idle' })).toBe(1);
    expect(value('ws_disconnects_total', { path: '/idle' })).toBe(1);
  });

  test('refused handshakes are counted by status and code', () => {
    expect(value('ws_refusals_total', { status: '401', code: 'UNAUTHORIZED' })).toBe(1);
    expect(value('ws_refusals_total', { status: '404', code: 'NOT_FOUND' })).toBe(1);
  });

  test('messages in are counted by handled event', () => {
    expect(value('ws_messages_in_total', { event: 'echo' })).toBe(3);
    expect(value('ws_messages_in_total', { event: 'say' })).toBe(2);
    expect(value('ws_messages_in_total', { event: 'boom' })).toBe(1);
    expect(value('ws_messages_in_total', { event: 'slow' })).toBe(1);
    expect(value('ws_messages_in_total', { event: 'nope' })).toBeUndefined();
  });

  test('messages out are counted by event, room deliveries once per recipient', () => {
    expect(value('ws_messages_out_total', { event: 'echo' })).toBe(3);
    expect(value('ws_messages_out_total', { event: 'say' })).toBe(1);
    expect(value('ws_messages_out_total', { event: 'said' })).toBe(2);
    expect(value('ws_messages_out_total', { event: 'slow' })).toBe(1);
    expect(value('ws_messages_out_total', { event: 'error' })).toBe(5);
  });

  test('errors sent to clients are counted by code', () => {
    expect(value('ws_errors_total', { code: 'INTERNAL_ERROR' })).toBe(1);
    expect(value('ws_errors_total', { code: 'FORBIDDEN' })).toBe(1);
    expect(value('ws_errors_total', { code: 'VALIDATION_FAILED' })).toBe(1);
    expect(value('ws_errors_total', { code: 'UNKNOWN_EVENT' })).toBe(1);
    expect(value('ws_errors_total', { code: 'BAD_MESSAGE' })).toBe(1);
  });

  test('handler durations form a histogram per event, async handlers timed until they settle', () => {
    expect(value('ws_handler_duration_seconds_count', { event: 'echo' })).toBe(3);
    expect(value('ws_handler_duration_seconds_bucket', { event: 'echo', le: '+Inf' })).toBe(3);
    expect(value('ws_handler_duration_seconds_sum', { event: 'slow' })).toBeGreaterThanOrEqual(0.004);
    expect(value('ws_handler_duration_seconds_bucket', { event: 'slow', le: '0.001' })).toBe(0);
  });

  test('rooms and members are gauges of local state', () => {
    expect(value('ws_rooms')).toBe(1);
    expect(value('ws_room_members')).toBe(2);
    expect(value('ws_buffered_bytes')).toBeGreaterThanOrEqual(0);
  });

  test('adapter round-trip times form a histogram per operation', () => {
    expect(value('ws_adapter_roundtrip_seconds_count', { op: 'clientConnected' })).toBe(3);
    expect(value('ws_adapter_roundtrip_seconds_count', { op: 'joined' })).toBe(2);
    expect(value('ws_adapter_roundtrip_seconds_count', { op: 'publish' })).toBe(1);
  });
});

describe('metrics options', () => {
  test('metrics: { path } serves the exposition text on the same HTTP server', async () => {
    const app = await bootstrap(ObservedModule, { ...testOptions, metrics: { path: '/metrics' } });
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = parseExposition(await res.text());
      expect(valueOf(families, 'ws_connections', { path: '/idle' })).toBe(0);
      const other = await fetch(`http://127.0.0.1:${app.port}/other`);
      expect(other.status).toBe(426);
    } finally {
      await app.close();
    }
  });

  test('metrics: { registry } registers in the user registry next to their own metrics', async () => {
    const registry = new Registry();
    const app = await bootstrap(ObservedModule, { ...testOptions, metrics: { registry, prefix: 'chat_' } });
    try {
      const families = parseExposition(await registry.metrics());
      expect(families.has('chat_connections')).toBe(true);
      expect(await app.metrics()).toBe(await registry.metrics());
    } finally {
      await app.close();
    }
  });

  test('app.metrics() rejects with a clear error when metrics are off', async () => {
    const app = await bootstrap(ObservedModule, testOptions);
    try {
      await expect(app.metrics()).rejects.toThrow(/metrics: true/);
    } finally {
      await app.close();
    }
  });

  test('a missing prom-client is reported with how to install it', () => {
    const missing = (): never => {
      throw Object.assign(new Error("Cannot find module 'prom-client'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadPromClient(missing)).toThrow(MISSING_PROM_CLIENT);
    expect(MISSING_PROM_CLIENT).toMatch(/npm install prom-client/);
  });
});
