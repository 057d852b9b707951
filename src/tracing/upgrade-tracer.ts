/**
 * @module tracing/upgrade-tracer
 * One SERVER span per upgrade (`connect <route>`), from the first gate to the handshake's end: opened
 * (101), refused (status and refusal code) or abandoned (the peer left, or the handshake never completed).
 * Built on an upgrade gate (runs first) and a lifecycle observer.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { EngineObserver, UpgradeGate } from '../spi/extensions';
import type { ConnectionHandle } from '../spi/handles';
import type { Handshake } from '../spi/transport';
import { Attr, MESSAGING_SYSTEM, Outcome } from './semconv';
import type { TraceCore } from './trace-core';

/** `connection.locals` key of the upgrade's span while it runs, then of its span context (messages link to it). */
export const UPGRADE_CONTEXT = 'ws-controllers:trace-upgrade';
const UPGRADE_SPAN = 'ws-controllers:trace-upgrade-span';

const CONNECT = 'connect';

function header(headers: Handshake['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Upgrade spans of one app. */
export class UpgradeTracer {
  // Spans of upgrades refused after the gates ran: `abandoned` sees the connection, `refused` (a few
  // microtasks later) only the handshake, whose headers object the connection shares.
  private readonly awaitingRefusal = new WeakMap<object, Span[]>();

  constructor(private readonly core: TraceCore) {}

  /** Starts the upgrade's span (the first gate, so it covers every other gate and `@OnConnect`). */
  readonly gate: UpgradeGate = (connection, controller) => {
    const span = this.start(connection.headers, controller.path, connection.path, connection.remoteAddress);
    span.setAttribute(Attr.CONTROLLER, controller.name);
    connection.locals[UPGRADE_SPAN] = span;
    connection.locals[UPGRADE_CONTEXT] = span.spanContext();
    return undefined;
  };

  /** Ends upgrade spans. */
  readonly observer: EngineObserver = {
    opened: (connection) => {
      const span = this.detach(connection);
      if (span !== undefined) this.core.ok(span, { [Attr.HTTP_STATUS]: 101 });
    },
    abandoned: (connection) => {
      const span = this.detach(connection);
      if (span === undefined) return;
      const headers = connection.headers;
      let waiting = this.awaitingRefusal.get(headers);
      if (waiting === undefined) this.awaitingRefusal.set(headers, (waiting = []));
      waiting.push(span);
      // No refusal follows when the peer left mid-handshake: then it ends as abandoned.
      setImmediate(() => {
        const index = waiting.indexOf(span);
        if (index < 0) return;
        waiting.splice(index, 1);
        span.setAttribute(Attr.OUTCOME, Outcome.ABANDONED);
        span.end();
      });
    },
    refused: (handshake, status, code) => {
      // Refused before any gate (no route, shutting down, malformed): a span of its own, started now.
      const span = this.awaitingRefusal.get(handshake.headers)?.shift() ?? this.start(handshake.headers, undefined, handshake.path, handshake.remoteAddress);
      const attributes: Attributes = { [Attr.HTTP_STATUS]: status, [Attr.OUTCOME]: Outcome.REFUSED, [Attr.REFUSAL_CODE]: code, [Attr.ERROR_TYPE]: code };
      span.setAttributes(attributes);
      // As for HTTP servers: a 4xx is the client's problem, only a 5xx marks the span as an error.
      if (status >= 500) span.setStatus({ code: this.core.api.SpanStatusCode.ERROR, message: code });
      span.end();
    },
  };

  private detach(connection: ConnectionHandle): Span | undefined {
    const locals = connection.locals;
    const span = locals[UPGRADE_SPAN] as Span | undefined;
    if (span !== undefined) locals[UPGRADE_SPAN] = undefined;
    return span;
  }

  private start(headers: Handshake['headers'], route: string | undefined, path: string, remoteAddress: string): Span {
    const core = this.core;
    const begin = core.fromClient(header(headers, 'traceparent'), header(headers, 'tracestate'));
    const attributes: Attributes = {
      [Attr.SYSTEM]: MESSAGING_SYSTEM,
      [Attr.SYSTEM_NAME]: MESSAGING_SYSTEM,
      [Attr.OPERATION_NAME]: CONNECT,
      [Attr.HTTP_METHOD]: 'GET',
      [Attr.URL_PATH]: path,
      [Attr.CLIENT_ADDRESS]: remoteAddress,
    };
    if (route !== undefined) {
      attributes[Attr.HTTP_ROUTE] = route;
      attributes[Attr.ROUTE] = route;
    }
    // The route pattern keeps span names few; an unrouted path is left out of the name.
    const name = route === undefined ? CONNECT : `${CONNECT} ${route}`;
    return core.tracer.startSpan(name, { kind: core.api.SpanKind.SERVER, attributes, links: begin.links }, begin.parent);
  }
}
