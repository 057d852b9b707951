/** Turning tracing on and off: the option, detection of a global provider, the optional peer, and what off costs. */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as api from '@opentelemetry/api';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { Module, OnConnect, OnMessage, WebSocketController, type Logger } from 'ws-controllers';
import type { HandlerDescriptor, Invoker, StepFn } from 'ws-controllers/spi';
import { createTracing, hasGlobalProvider } from '../../src/tracing/tracing';
import { MISSING_OTEL_API } from '../../src/tracing/otel-loader';
import { open, start } from '../pipeline/harness';
import { ChatModule, memoryProvider, parentOf, spanNamed } from './tracing-app';

const { provider, exporter } = memoryProvider();
const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

afterEach(() => {
  trace.disable();
  context.disable();
  exporter.reset();
});
afterAll(() => provider.shutdown());

test('no global tracer provider and no option: tracing is off and nothing is created', () => {
  expect(hasGlobalProvider(api)).toBe(false);
  expect(createTracing(undefined, silent)).toBeUndefined();
});

test('off at bootstrap stays off: a provider registered afterwards records nothing, so the message path did no tracing work', async () => {
  const app = await start(ChatModule);
  trace.setGlobalTracerProvider(provider);
  const socket = await open(app, '/chat');
  await socket.request('say', { text: 'hi' });
  await socket.request('plain');
  expect(exporter.getFinishedSpans()).toEqual([]);
});

test('a global tracer provider registered before bootstrap turns tracing on by itself', async () => {
  trace.setGlobalTracerProvider(provider);
  expect(hasGlobalProvider(api)).toBe(true);
  const socket = await open(await start(ChatModule), '/chat');
  await socket.request('plain');
  expect(spanNamed(exporter, 'process plain').attributes['messaging.destination.name']).toBe('plain');
});

test('tracing: false records nothing even with a global provider registered', async () => {
  trace.setGlobalTracerProvider(provider);
  const socket = await open(await start(ChatModule, { tracing: false }), '/chat');
  await socket.request('say', { text: 'hi' });
  expect(exporter.getFinishedSpans()).toEqual([]);
});

test('tracing: true without @opentelemetry/api fails bootstrap with a clear error; without the option it just stays off', () => {
  const missing = (id: string): never => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  };
  expect(() => createTracing(true, silent, missing)).toThrow(MISSING_OTEL_API);
  expect(() => createTracing({}, silent, missing)).toThrow(/npm install @opentelemetry\/api/);
  expect(createTracing(undefined, silent, missing)).toBeUndefined();
});

test('tracing: true with no provider yet warns, and spans flow once one is registered', async () => {
  const warnings: string[] = [];
  const logger = { ...silent, warn: (_o: unknown, message: string) => warnings.push(message) };
  const tracing = createTracing(true, logger as unknown as Logger)!;
  expect(warnings[0]).toMatch(/no tracer provider is registered/);
  trace.setGlobalTracerProvider(provider);
  const message = { kind: 'message', event: 'late', controller: class Late {}, methodName: 'm', metadata: {}, classMetadata: {} } as unknown as HandlerDescriptor;
  const client = { id: 'c1', locals: {} } as never;
  expect(tracing.enhancer(message, () => 'value')(client, undefined, undefined)).toBe('value');
  expect(spanNamed(exporter, 'process late').attributes['messaging.client.id']).toBe('c1');
});

test('a clientContext that is not parent, link or ignore is refused at start-up', () => {
  expect(() => createTracing({ tracerProvider: provider, clientContext: 'trust' as never }, silent)).toThrow(/clientContext/);
});

test('only message handlers are wrapped: other kinds keep their very invoker and steps', () => {
  const tracing = createTracing({ tracerProvider: provider }, silent)!;
  const invoke: Invoker = () => undefined;
  const run: StepFn = () => true;
  for (const kind of ['connect', 'disconnect', 'raw', 'error'] as const) {
    const descriptor = { kind, controller: class X {}, methodName: 'm', metadata: {}, classMetadata: {} } as unknown as HandlerDescriptor;
    expect(tracing.enhancer(descriptor, invoke)).toBe(invoke);
    expect(tracing.steps(descriptor, { kind: 'guard', name: 'G' }, run)).toBe(run);
  }
  const message = { kind: 'message', event: 'e', controller: class X {}, methodName: 'm', metadata: {}, classMetadata: {} } as unknown as HandlerDescriptor;
  expect(tracing.enhancer(message, invoke)).not.toBe(invoke);
});

/** A minimal context manager, like the one an SDK's start() registers. */
class StorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

@WebSocketController('/user-spans')
class UserSpans {
  @OnConnect()
  connect(): void {}

  @OnMessage('work')
  async work(): Promise<string> {
    const span = trace.getTracer('user').startSpan('user db query');
    await new Promise((resolve) => setTimeout(resolve, 1));
    span.end();
    return 'worked';
  }
}

@Module({ controllers: [UserSpans] })
class UserSpansModule {}

test("with a context manager registered, the user's own spans in a handler nest under the handler span", async () => {
  context.setGlobalContextManager(new StorageContextManager());
  trace.setGlobalTracerProvider(provider);
  const socket = await open(await start(UserSpansModule), '/user-spans');
  expect((await socket.request('work')).payload).toBe('worked');
  const handler = spanNamed(exporter, 'handler UserSpans.work');
  const user = spanNamed(exporter, 'user db query');
  expect(parentOf(user)).toBe(handler.spanContext().spanId);
  expect(parentOf(handler)).toBe(spanNamed(exporter, 'process work').spanContext().spanId);
});
