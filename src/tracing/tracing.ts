/**
 * @module tracing/tracing
 * Decides at start-up whether an app traces, and hands bootstrap the hooks it wires: an invoker and a
 * step enhancer, an envelope tap, an upgrade gate and observer, and views of the adapter and its host.
 * Off (the default without a registered tracer provider), nothing is created and nothing is wrapped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import type { Adapter, AdapterHost } from '../adapter/adapter';
import type { EngineObserver, EnvelopeTap, InvokerEnhancer, StepEnhancer, UpgradeGate } from '../spi/extensions';
import type { Logger } from '../util/logger';
import { ClusterTracer } from './cluster-tracer';
import { createContextScope } from './context-scope';
import { MessageTracer } from './message-tracer';
import type { TracingOptions } from './options';
import { loadOtelApi, type OtelApiModule } from './otel-loader';
import { TraceCore } from './trace-core';
import { UpgradeTracer } from './upgrade-tracer';

/** The instrumentation scope name of every span. */
export const INSTRUMENTATION_NAME = 'ws-controllers';

/** The tracing hooks of one app. */
export interface Tracing {
  readonly enhancer: InvokerEnhancer;
  readonly steps: StepEnhancer;
  readonly onEnvelope: EnvelopeTap;
  readonly gate: UpgradeGate;
  readonly observer: EngineObserver;
  adapterView(adapter: Adapter): Adapter;
  hostView(host: AdapterHost): AdapterHost;
}

/** Whether a tracer provider was registered globally (the global proxy has a real delegate). */
export function hasGlobalProvider(api: OtelApiModule): boolean {
  const global = api.trace.getTracerProvider();
  if (!(global instanceof api.ProxyTracerProvider)) return true;
  // A fresh proxy's delegate is the API's no-op provider, the one the global proxy has until one is set.
  return global.getDelegate() !== new api.ProxyTracerProvider().getDelegate();
}

/**
 * The app's tracing, or undefined when off. `option`: `false` off; `true` or settings on (needs
 * `@opentelemetry/api`, a clear error otherwise); absent: on only when `@opentelemetry/api` is installed
 * and a tracer provider is registered globally at this moment.
 */
export function createTracing(
  option: boolean | TracingOptions | undefined,
  logger: Logger,
  load?: (id: string) => unknown,
): Tracing | undefined {
  if (option === false) return undefined;
  const asked = option !== undefined;
  const api = loadOtelApi(asked, load);
  if (api === undefined) return undefined;
  const settings: TracingOptions = typeof option === 'object' ? option : {};
  const clientContext = settings.clientContext ?? 'parent';
  if (!['parent', 'link', 'ignore'].includes(clientContext)) {
    throw new Error(`ws-controllers: tracing.clientContext must be 'parent', 'link' or 'ignore' (got ${String(clientContext)})`);
  }
  const given = settings.tracerProvider as TracerProvider | undefined;
  if (given === undefined && !hasGlobalProvider(api)) {
    if (!asked) return undefined;
    logger.warn({}, 'tracing is on but no tracer provider is registered yet: spans are dropped until one is');
  }
  const tracer = (given ?? api.trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, ownVersion()) as Tracer;
  const core = new TraceCore(api, tracer, createContextScope(api), clientContext);
  const messages = new MessageTracer(core);
  const upgrades = new UpgradeTracer(core);
  const cluster = new ClusterTracer(core);
  return {
    enhancer: messages.enhancer,
    steps: messages.steps,
    onEnvelope: messages.onEnvelope,
    gate: upgrades.gate,
    observer: upgrades.observer,
    adapterView: (adapter) => cluster.adapterView(adapter),
    hostView: (host) => cluster.hostView(host),
  };
}

function ownVersion(): string | undefined {
  try {
    // This file is at src/tracing or dist/tracing: the package.json is two levels up.
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
