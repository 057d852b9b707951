/**
 * @module tracing/context-scope
 * Which span is current while a message is handled, so guard, validation and handler spans nest under
 * its message span and a broadcast links to it. With a context manager registered (an SDK's `start()`
 * registers one) that is OpenTelemetry's own active context, and the user's spans nest too; without one,
 * the framework keeps its own in an AsyncLocalStorage (probed once, at start-up).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import type { OtelApiModule } from './otel-loader';

/** The current context, and running a function within another. */
export interface ContextScope {
  active(): Context;
  with<T>(context: Context, fn: () => T): T;
  /** Whether OpenTelemetry's own context manager carries it (else the framework's fallback). */
  readonly global: boolean;
}

/** Whether a context manager is registered: `context.with` makes a context active. */
export function hasContextManager(api: OtelApiModule): boolean {
  const key = api.createContextKey('ws-controllers context probe');
  const marked = api.ROOT_CONTEXT.setValue(key, true);
  return api.context.with(marked, () => api.context.active().getValue(key) === true);
}

/** The scope for this process. */
export function createContextScope(api: OtelApiModule, useGlobal = hasContextManager(api)): ContextScope {
  if (useGlobal) {
    return { global: true, active: () => api.context.active(), with: (context, fn) => api.context.with(context, fn) };
  }
  const storage = new AsyncLocalStorage<Context>();
  return {
    global: false,
    active: () => storage.getStore() ?? api.context.active(),
    with: (context, fn) => storage.run(context, fn),
  };
}
