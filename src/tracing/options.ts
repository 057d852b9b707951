/**
 * @module tracing/options
 * The `tracing` option of `bootstrap()`. Types only: the public API needs no `@opentelemetry/api` types.
 */

/** The part of an OpenTelemetry `TracerProvider` the framework uses. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

/**
 * What becomes of a trace context a client sends (`traceparent` in an envelope or on the upgrade request):
 * `parent` continues the client's trace, `link` starts a new trace linked to it (for untrusted clients),
 * `ignore` drops it.
 */
export type ClientTraceContext = 'parent' | 'link' | 'ignore';

/** Settings of `bootstrap(..., { tracing })`. */
export interface TracingOptions {
  /** Where spans go. @default the global provider (registered by an SDK's `start()` or `trace.setGlobalTracerProvider`) */
  tracerProvider?: TracerProviderLike | undefined;
  /** What a client's `traceparent` does. @default 'parent' */
  clientContext?: ClientTraceContext | undefined;
}
