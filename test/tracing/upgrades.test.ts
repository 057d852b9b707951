/** Upgrade spans over real sockets: accepted, refused by a guard, refused for no route, and the traceparent header. */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { open, refusal, start } from '../pipeline/harness';
import { connect, urlOf } from '../support/ws-test-client';
import { ChatModule, CLIENT_SPAN_ID, memoryProvider, parentOf, spanEnded, spanNamed, TRACE_ID, TRACEPARENT } from './tracing-app';

const { provider, exporter } = memoryProvider();

afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const traced = { tracing: { tracerProvider: provider } };

test('an accepted upgrade gets one SERVER span "connect <route>" with status 101, ended when the handshake completes', async () => {
  const app = await start(ChatModule, traced);
  await open(app, '/chat?token=t');
  const span = await spanEnded(exporter, 'connect /chat');
  expect(span.kind).toBe(SpanKind.SERVER);
  expect(span.attributes).toMatchObject({
    'messaging.system': 'ws_controllers',
    'messaging.operation.name': 'connect',
    'http.request.method': 'GET',
    'http.route': '/chat',
    'url.path': '/chat',
    'http.response.status_code': 101,
    'messaging.ws_controllers.controller': 'ChatController',
    'messaging.ws_controllers.outcome': 'ok',
  });
  expect(span.attributes['client.address']).toMatch(/127\.0\.0\.1/);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
});

test('an upgrade refused by a guard: the status and the refusal code are on the span', async () => {
  const app = await start(ChatModule, traced);
  expect((await refusal(app, '/chat?token=expired')).status).toBe(401);
  const span = await spanEnded(exporter, 'connect /chat');
  expect(span.attributes).toMatchObject({
    'http.response.status_code': 401,
    'messaging.ws_controllers.outcome': 'refused',
    'messaging.ws_controllers.refusal_code': 'UNAUTHORIZED',
    'error.type': 'UNAUTHORIZED',
  });
  expect(span.status.code).toBe(SpanStatusCode.UNSET); // a 4xx is the client's, as for HTTP servers

  expect((await refusal(app, '/chat?token=none')).status).toBe(403);
  await new Promise((resolve) => setImmediate(resolve));
  const spans = exporter.getFinishedSpans().filter((s) => s.name === 'connect /chat');
  expect(spans.map((s) => s.attributes['messaging.ws_controllers.refusal_code'])).toEqual(['UNAUTHORIZED', 'FORBIDDEN']);
});

test('an upgrade to no route gets a span "connect" with 404 and NOT_FOUND', async () => {
  const app = await start(ChatModule, traced);
  expect((await refusal(app, '/nowhere')).status).toBe(404);
  const span = await spanEnded(exporter, 'connect');
  expect(span.attributes).toMatchObject({ 'url.path': '/nowhere', 'http.response.status_code': 404, 'messaging.ws_controllers.refusal_code': 'NOT_FOUND' });
  expect(span.attributes['http.route']).toBeUndefined();
});

test('a traceparent header on the upgrade request is continued by the upgrade span', async () => {
  const app = await start(ChatModule, traced);
  const socket = await connect(urlOf(app.port, '/chat'), { headers: { traceparent: TRACEPARENT } });
  await socket.close();
  const span = await spanEnded(exporter, 'connect /chat');
  expect(span.spanContext().traceId).toBe(TRACE_ID);
  expect(parentOf(span)).toBe(CLIENT_SPAN_ID);
});

test("every message span of a connection links to that connection's upgrade span", async () => {
  const app = await start(ChatModule, traced);
  const socket = await open(app, '/chat');
  await socket.request('plain');
  await socket.request('plain');
  const upgrade = spanNamed(exporter, 'connect /chat');
  const messages = exporter.getFinishedSpans().filter((s) => s.name === 'process plain');
  expect(messages).toHaveLength(2);
  for (const message of messages) {
    expect(message.links.map((l) => l.context.spanId)).toEqual([upgrade.spanContext().spanId]);
    expect(message.spanContext().traceId).not.toBe(upgrade.spanContext().traceId); // each message is a trace of its own
  }
});

test('a refused upgrade ends its span once even when many are refused at the same time', async () => {
  const app = await start(ChatModule, traced);
  const refused = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(app, `/chat?token=${i % 2 ? 'none' : 'expired'}`)));
  expect(refused.map((r) => r.status).sort()).toEqual([...Array(10).fill(401), ...Array(10).fill(403)]);
  await new Promise((resolve) => setImmediate(resolve));
  const spans = exporter.getFinishedSpans().filter((s) => s.name === 'connect /chat');
  expect(spans).toHaveLength(20);
  expect(spans.filter((s) => s.attributes['http.response.status_code'] === 401)).toHaveLength(10);
  expect(spans.every((s) => s.attributes['messaging.ws_controllers.outcome'] === 'refused')).toBe(true);
});
