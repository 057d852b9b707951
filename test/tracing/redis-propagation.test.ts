/** Propagation across nodes through Redis: a broadcast from a traced message reaches the other node inside the same trace. */
import { SpanKind } from '@opentelemetry/api';
import { bootstrap, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { ChatModule, memoryProvider, parentOf, spanEnded, spanNamed, TRACE_ID, TRACEPARENT } from './tracing-app';

describeRedis('tracing across nodes through Redis', () => {
  const redis = new RedisServer();
  const a = memoryProvider();
  const b = memoryProvider();
  let run = 0;
  let apps: WsApp[] = [];
  let sockets: TestSocket[] = [];

  beforeAll(() => redis.start());
  afterAll(async () => {
    await redis.stop();
    await Promise.all([a.provider.shutdown(), b.provider.shutdown()]);
  });
  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    sockets = [];
    a.exporter.reset();
    b.exporter.reset();
  });

  async function node(tracing: BootstrapOptions['tracing'], prefix: string): Promise<WsApp> {
    const adapter = new RedisAdapter({ url: redis.url, keyPrefix: prefix, logger: false, requestTimeoutMs: 1000 });
    const app = await bootstrap(ChatModule, { port: 0, host: '127.0.0.1', logger: false, adapter, tracing });
    apps.push(app);
    return app;
  }

  async function socketOn(app: WsApp): Promise<TestSocket> {
    const socket = await connect(urlOf(app.port, '/chat'));
    sockets.push(socket);
    return socket;
  }

  test("a delivery on another node is a child of, and linked to, the publisher's span, in the client's trace", async () => {
    const prefix = `trace-${++run}`;
    const nodeA = await node({ tracerProvider: a.provider }, prefix);
    const nodeB = await node({ tracerProvider: b.provider }, prefix);
    const sender = await socketOn(nodeA);
    const listener = await socketOn(nodeB);
    const heard = listener.next('shouted');
    sender.send({ event: 'shout', id: 1, payload: { text: 'hey' }, traceparent: TRACEPARENT });
    expect((await heard).payload).toBe('hey');

    const message = await spanEnded(a.exporter, 'process shout');
    const handler = spanNamed(a.exporter, 'handler ChatController.shout');
    const publish = spanNamed(a.exporter, 'publish broadcast');
    expect(message.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(publish)).toBe(handler.spanContext().spanId);
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'ws_controllers',
      'messaging.operation.name': 'publish',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'lobby',
      'messaging.ws_controllers.rooms': ['lobby'],
    });

    const deliver = await spanEnded(b.exporter, 'deliver broadcast');
    expect(deliver.kind).toBe(SpanKind.CONSUMER);
    expect(deliver.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(deliver)).toBe(publish.spanContext().spanId);
    expect(deliver.links.map((l) => l.context.spanId)).toEqual([publish.spanContext().spanId]);
    expect(deliver.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'messaging.ws_controllers.recipients': 1, 'messaging.destination.name': 'lobby' });
    // The publisher does not deliver its own packet a second time.
    expect(a.exporter.getFinishedSpans().map((s) => s.name)).not.toContain('deliver broadcast');
  });

  test("a send by id to a client on another node: 'deliver client' there is a child of 'send client' here", async () => {
    const prefix = `trace-${++run}`;
    const nodeA = await node({ tracerProvider: a.provider }, prefix);
    const nodeB = await node({ tracerProvider: b.provider }, prefix);
    const sender = await socketOn(nodeA);
    const target = await socketOn(nodeB);
    const id = (await target.request('whoami')).payload as string;
    const told = target.next('told');
    sender.send({ event: 'tell', id: 1, payload: { to: id, text: 'psst' }, traceparent: TRACEPARENT });
    expect((await sender.next('tell')).payload).toBe(true);
    expect((await told).payload).toBe('psst');

    const send = await spanEnded(a.exporter, 'send client');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(send)).toBe(spanNamed(a.exporter, 'handler ChatController.tell').spanContext().spanId);
    expect(send.attributes).toMatchObject({ 'messaging.ws_controllers.target_client_id': id, 'messaging.ws_controllers.delivered': true });
    const deliver = await spanEnded(b.exporter, 'deliver client');
    expect(deliver.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(deliver)).toBe(send.spanContext().spanId);
    expect(deliver.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(deliver.attributes['messaging.ws_controllers.delivered']).toBe(true);
  });

  test('a traced node and an untraced one still talk: deliveries work both ways, the traced side gets a root span', async () => {
    const prefix = `trace-${++run}`;
    const traced = await node({ tracerProvider: a.provider }, prefix);
    const plain = await node(false, prefix);
    const onTraced = await socketOn(traced);
    const onPlain = await socketOn(plain);

    const toPlain = onPlain.next('shouted');
    await onTraced.request('shout', { text: 'from traced' });
    expect((await toPlain).payload).toBe('from traced');

    const told = onPlain.next('told');
    const plainId = (await onPlain.request('whoami')).payload as string;
    expect((await onTraced.request('tell', { to: plainId, text: 'by id' })).payload).toBe(true);
    expect((await told).payload).toBe('by id');

    const toTraced = onTraced.next('shouted');
    await onPlain.request('shout', { text: 'from plain' });
    expect((await toTraced).payload).toBe('from plain');
    const deliver = await spanEnded(a.exporter, 'deliver broadcast');
    expect(parentOf(deliver)).toBeUndefined();
    expect(deliver.links).toEqual([]);
    expect(b.exporter.getFinishedSpans()).toEqual([]);
  });
});
