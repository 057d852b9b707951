/**
 * @module tracing/trace-context
 * The W3C Trace Context fields as they travel in an envelope, an upgrade request or a Redis packet.
 * Parsed here rather than through the global propagator: the wire field *is* W3C `traceparent`,
 * whatever propagator the app registered. Anything malformed is ignored, never an error.
 */
import type { SpanContext } from '@opentelemetry/api';
import type { OtelApiModule } from './otel-loader';

/** A `traceparent` longer than this is not parsed at all (version 00 is exactly 55 characters). */
export const MAX_TRACEPARENT_LENGTH = 512;
/** A longer `tracestate` is dropped (the W3C recommendation a vendor must at least propagate). */
export const MAX_TRACESTATE_LENGTH = 512;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;

/** Reads a `traceparent` (and `tracestate`) into a remote span context; undefined unless valid. */
export function parseTraceparent(api: OtelApiModule, traceparent: unknown, tracestate: unknown): SpanContext | undefined {
  if (typeof traceparent !== 'string' || traceparent.length > MAX_TRACEPARENT_LENGTH) return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return undefined;
  const [, version, traceId = '', spanId = '', flags = '00'] = match;
  // 'ff' is forbidden; version 00 has nothing after the flags; later versions may add fields.
  if (version === 'ff' || (version === '00' && traceparent.length !== 55)) return undefined;
  if (!api.isValidTraceId(traceId) || !api.isValidSpanId(spanId)) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & api.TraceFlags.SAMPLED, isRemote: true };
  if (typeof tracestate === 'string' && tracestate.length > 0 && tracestate.length <= MAX_TRACESTATE_LENGTH) {
    context.traceState = api.createTraceState(tracestate);
  }
  return context;
}

/** Writes a span context as `traceparent` (version 00) and its `tracestate`, if any. */
export function formatTraceparent(context: SpanContext): { traceparent: string; tracestate?: string } {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${context.traceId}-${context.spanId}-${flags}`;
  const tracestate = context.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
