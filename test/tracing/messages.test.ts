/** Message spans over real sockets: names, attributes, child spans, outcomes and the client's traceparent. */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { open, start } from '../pipeline/harness';
import { ChatModule, CLIENT_SPAN_ID, memoryProvider, parentOf, spanEnded, spanNamed, TRACE_ID, TRACEPARENT } from './tracing-app';

const { provider, exporter } = memoryProvider();

afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

async function chat(options: Parameters<typeof start>[1] = {}): Promise<Awaited<ReturnType<typeof open>>> {
  const app = await start(ChatModule, { tracing: { tracerProvider: provider }, ...options });
  return open(app, '/chat');
}

test('a message handled gets one CONSUMER span "process <event>" with the messaging attributes', async () => {
  const socket = await chat();
  expect((await socket.request('say', { text: 'hi' })).payload).toBe('said hi');
  const span = spanNamed(exporter, 'process say');
  expect(span.kind).toBe(SpanKind.CONSUMER);
  expect(span.instrumentationScope.name).toBe('ws-controllers');
  expect(span.attributes).toMatchObject({
    'messaging.system': 'ws_controllers',
    'messaging.operation': 'process',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': 'say',
    'messaging.ws_controllers.route': '/chat',
    'messaging.ws_controllers.controller': 'ChatController',
    'messaging.ws_controllers.method': 'say',
    'code.function.name': 'ChatController.say',
    'messaging.ws_controllers.outcome': 'ok',
  });
  expect(typeof span.attributes['messaging.client.id']).toBe('string');
  expect(typeof span.attributes['messaging.message.id']).toBe('string'); // the request's id
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
});

test('the guard, the validation and the handler get child spans of the message span, in that order', async () => {
  const socket = await chat();
  await socket.request('say', { text: 'hi' });
  const message = spanNamed(exporter, 'process say');
  const guard = spanNamed(exporter, 'guard AllowUnlessBlocked');
  const validation = spanNamed(exporter, 'validate SayDto');
  const handler = spanNamed(exporter, 'handler ChatController.say');
  for (const child of [guard, validation, handler]) {
    expect(child.spanContext().traceId).toBe(message.spanContext().traceId);
    expect(parentOf(child)).toBe(message.spanContext().spanId);
    expect(child.kind).toBe(SpanKind.INTERNAL);
  }
  expect(guard.attributes).toMatchObject({ 'messaging.ws_controllers.step': 'guard', 'messaging.ws_controllers.guard.allowed': true });
  expect(validation.attributes['messaging.ws_controllers.step']).toBe('validation');
  expect(handler.attributes['code.function.name']).toBe('ChatController.say');
  const order = [guard, validation, handler].map((s) => s.startTime[0] * 1e9 + s.startTime[1]);
  expect([...order].sort((x, y) => x - y)).toEqual(order);
});

test('a payload that fails validation: the validate span and the message span end with VALIDATION_FAILED, no handler span', async () => {
  const socket = await chat();
  const reply = await socket.request('say', { text: 'x'.repeat(50) });
  expect(reply.event).toBe('error');
  const message = spanNamed(exporter, 'process say');
  const validation = spanNamed(exporter, 'validate SayDto');
  for (const span of [message, validation]) {
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'VALIDATION_FAILED' });
    expect(span.attributes).toMatchObject({ 'messaging.ws_controllers.outcome': 'error', 'messaging.ws_controllers.error_code': 'VALIDATION_FAILED', 'error.type': 'VALIDATION_FAILED' });
  }
  expect(exporter.getFinishedSpans().some((s) => s.name.startsWith('handler'))).toBe(false);
});

test('a guard that says no: its span records allowed=false, the message span FORBIDDEN, nothing after it runs', async () => {
  const app = await start(ChatModule, { tracing: { tracerProvider: provider } });
  const { connect, urlOf } = await import('../support/ws-test-client');
  const socket = await connect(urlOf(app.port, '/chat?blocked=1'));
  try {
    expect((await socket.request('say', { text: 'hi' })).payload).toMatchObject({ code: 'FORBIDDEN' });
  } finally {
    await socket.close();
  }
  expect(spanNamed(exporter, 'guard AllowUnlessBlocked').attributes['messaging.ws_controllers.guard.allowed']).toBe(false);
  expect(spanNamed(exporter, 'process say').attributes['messaging.ws_controllers.error_code']).toBe('FORBIDDEN');
  expect(exporter.getFinishedSpans().map((s) => s.name)).not.toContain('validate SayDto');
});

test('an unexpected error: INTERNAL_ERROR on the spans, the exception recorded with its message', async () => {
  const socket = await chat();
  expect((await socket.request('boom')).payload).toMatchObject({ code: 'INTERNAL_ERROR' });
  const message = spanNamed(exporter, 'process boom');
  expect(message.attributes['error.type']).toBe('INTERNAL_ERROR');
  const event = message.events.find((e) => e.name === 'exception');
  expect(event?.attributes?.['exception.message']).toBe('kaput');
});

test('an async handler: the spans end when its promise settles, not when it returns', async () => {
  const socket = await chat();
  await socket.request('slow', 30);
  const message = spanNamed(exporter, 'process slow');
  const handler = spanNamed(exporter, 'handler ChatController.slow');
  expect(parentOf(handler)).toBe(message.spanContext().spanId);
  const ms = (span: typeof message): number => span.duration[0] * 1e3 + span.duration[1] / 1e6;
  expect(ms(message)).toBeGreaterThanOrEqual(25);
  expect(ms(handler)).toBeGreaterThanOrEqual(25);
});

test('a handler without typed payload gets no validation span; the controller guard runs (and is traced) per message', async () => {
  const socket = await chat();
  await socket.request('plain');
  const trace = spanNamed(exporter, 'process plain').spanContext().traceId;
  const inTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === trace);
  expect(inTrace.map((s) => s.name).sort()).toEqual(['guard ConnectToken', 'handler ChatController.plain', 'process plain']);
});

test("the message span continues the client's traceparent (and keeps its tracestate)", async () => {
  const socket = await chat();
  socket.send({ event: 'plain', id: 1, traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
  await socket.next('plain');
  const span = spanNamed(exporter, 'process plain');
  expect(span.spanContext().traceId).toBe(TRACE_ID);
  expect(parentOf(span)).toBe(CLIENT_SPAN_ID);
  expect(span.spanContext().traceState?.get('vendor')).toBe('abc');
  expect(span.attributes['messaging.message.id']).toBe('1');
});

test("clientContext 'link': the client's trace is linked, not continued", async () => {
  const socket = await chat({ tracing: { tracerProvider: provider, clientContext: 'link' } });
  socket.send({ event: 'plain', id: 1, traceparent: TRACEPARENT });
  await socket.next('plain');
  const span = spanNamed(exporter, 'process plain');
  expect(span.spanContext().traceId).not.toBe(TRACE_ID);
  expect(parentOf(span)).toBeUndefined();
  expect(span.links.map((l) => l.context.spanId)).toContain(CLIENT_SPAN_ID);
});

test("clientContext 'ignore': the client's traceparent leaves no trace", async () => {
  const socket = await chat({ tracing: { tracerProvider: provider, clientContext: 'ignore' } });
  socket.send({ event: 'plain', id: 1, traceparent: TRACEPARENT });
  await socket.next('plain');
  const span = spanNamed(exporter, 'process plain');
  expect(span.spanContext().traceId).not.toBe(TRACE_ID);
  expect(span.links.map((l) => l.context.spanId)).not.toContain(CLIENT_SPAN_ID);
});

test('a malformed or hostile traceparent is ignored: the message is handled in a trace of its own', async () => {
  const socket = await chat();
  const bad = [`00-${'0'.repeat(32)}-${CLIENT_SPAN_ID}-01`, TRACEPARENT.toUpperCase(), `${TRACEPARENT}-extra`, 'x'.repeat(100_000), { a: 1 }, 42];
  for (const [i, traceparent] of bad.entries()) {
    socket.send({ event: 'plain', id: i, traceparent, tracestate: 'y'.repeat(10_000) });
    expect((await socket.next('plain')).payload).toBe('plain');
  }
  const spans = exporter.getFinishedSpans().filter((s) => s.name === 'process plain');
  expect(spans).toHaveLength(bad.length);
  for (const span of spans) {
    expect(span.spanContext().traceId).not.toBe(TRACE_ID);
    expect(parentOf(span)).toBeUndefined();
  }
});

test('a broadcast from a handler gets no publish span with the default in-process adapter', async () => {
  const socket = await chat();
  await socket.request('shout', { text: 'hey' });
  await spanEnded(exporter, 'process shout');
  expect(exporter.getFinishedSpans().map((s) => s.name)).not.toContain('publish broadcast');
});
