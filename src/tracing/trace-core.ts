/**
 * @module tracing/trace-core
 * What every tracer of one app shares: the OpenTelemetry API, its tracer, the context scope, the
 * client-context policy, and how a span ends (outcome, error code, status).
 */
import type { Attributes, Context, Link, Span, SpanContext, Tracer } from '@opentelemetry/api';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { ContextScope } from './context-scope';
import type { ClientTraceContext } from './options';
import type { OtelApiModule } from './otel-loader';
import { Attr, Outcome } from './semconv';
import { parseTraceparent } from './trace-context';

/** Where a span starts: its parent context and its links. */
export interface SpanStart {
  parent: Context;
  links: Link[];
}

/** Shared by the message, upgrade and cluster tracers of one app. */
export class TraceCore {
  constructor(
    readonly api: OtelApiModule,
    readonly tracer: Tracer,
    readonly scope: ContextScope,
    private readonly clientContext: ClientTraceContext,
  ) {}

  /** The start of a span for something a client sent, with the `traceparent` it carried (if any). */
  fromClient(traceparent: unknown, tracestate: unknown): SpanStart {
    const root = this.api.ROOT_CONTEXT;
    if (this.clientContext === 'ignore' || traceparent === undefined) return { parent: root, links: [] };
    const remote = parseTraceparent(this.api, traceparent, tracestate);
    if (remote === undefined) return { parent: root, links: [] };
    if (this.clientContext === 'link') return { parent: root, links: [{ context: remote }] };
    return { parent: this.api.trace.setSpanContext(root, remote), links: [] };
  }

  /** The start of a span continuing another node's span: its child, and linked to it. */
  fromPeer(remote: SpanContext | undefined): SpanStart {
    const root = this.api.ROOT_CONTEXT;
    return remote === undefined ? { parent: root, links: [] } : { parent: this.api.trace.setSpanContext(root, remote), links: [{ context: remote }] };
  }

  /** Ends a span that succeeded. */
  ok(span: Span, attributes?: Attributes): void {
    if (attributes !== undefined) span.setAttributes(attributes);
    span.setAttribute(Attr.OUTCOME, Outcome.OK);
    span.end();
  }

  /** Ends a span that failed with what a client would be told (its error code). */
  failed(span: Span, error: unknown): void {
    const code = error instanceof WsException ? error.code : ErrorCodes.INTERNAL_ERROR;
    span.setAttributes({ [Attr.OUTCOME]: Outcome.ERROR, [Attr.ERROR_CODE]: code, [Attr.ERROR_TYPE]: code });
    // Unexpected errors keep their stack (as the log does); client errors are just their code.
    if (!(error instanceof WsException) && error instanceof Error) span.recordException(error);
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: code });
    span.end();
  }

  /**
   * Ends `span` when `result` settles (now, or when the promise does) and returns the result unchanged in
   * meaning: a value stays that value, a thenable settles the same way. `done` may add attributes.
   */
  settle(span: Span, result: unknown, done?: (value: unknown) => Attributes | undefined): unknown {
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as PromiseLike<unknown>).then === 'function') {
      return (result as PromiseLike<unknown>).then(
        (value) => {
          this.ok(span, done?.(value));
          return value;
        },
        (error: unknown) => {
          this.failed(span, error);
          throw error;
        },
      );
    }
    this.ok(span, done?.(result));
    return result;
  }

  /** Runs `fn` as the work of `span` (sync or async), ending the span with its outcome. */
  run(span: Span, parent: Context, fn: () => unknown, done?: (value: unknown) => Attributes | undefined): unknown {
    let result: unknown;
    try {
      result = this.scope.with(this.api.trace.setSpan(parent, span), fn);
    } catch (error) {
      this.failed(span, error);
      throw error;
    }
    return this.settle(span, result, done);
  }
}
