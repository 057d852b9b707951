/**
 * @module tracing/message-tracer
 * One CONSUMER span per message a handler was called for (`process <event>`), continuing the client's
 * `traceparent`, with INTERNAL child spans for each guard, validation and the handler method as they run.
 * Built on the extension interface: an envelope tap, an invoker enhancer (outermost) and a step enhancer.
 */
import type { Attributes } from '@opentelemetry/api';
import type { Envelope } from '../protocol/wire';
import type { EnvelopeTap, HandlerDescriptor, HandlerStep, Invoker, InvokerEnhancer, StepEnhancer, StepFn } from '../spi/extensions';
import type { ConnectionHandle } from '../spi/handles';
import { Attr, MESSAGING_SYSTEM } from './semconv';
import type { TraceCore } from './trace-core';
import { UPGRADE_CONTEXT } from './upgrade-tracer';

const PROCESS = 'process';

/** Message and step spans of one app. */
export class MessageTracer {
  // The envelope being dispatched: the tap sets it, the handler's wrapper takes it synchronously after.
  private pendingClient: ConnectionHandle | undefined;
  private pendingEnvelope: Envelope | undefined;

  constructor(private readonly core: TraceCore) {}

  /** Remembers the envelope about to be dispatched (its `id`, `traceparent` and `tracestate`). */
  readonly onEnvelope: EnvelopeTap = (client, envelope) => {
    this.pendingClient = client;
    this.pendingEnvelope = envelope;
  };

  /** Wraps message handlers; every other kind keeps its invoker. */
  readonly enhancer: InvokerEnhancer = (descriptor, invoke) => (descriptor.kind === 'message' ? this.traced(descriptor, invoke) : invoke);

  /** Wraps the steps of message handlers; steps of other kinds stay as they are. */
  readonly steps: StepEnhancer = (descriptor, step, run) => (descriptor.kind === 'message' ? this.tracedStep(descriptor, step, run) : run);

  private take(client: ConnectionHandle, event: string): Envelope | undefined {
    const envelope = this.pendingClient === client && this.pendingEnvelope?.event === event ? this.pendingEnvelope : undefined;
    this.pendingClient = undefined;
    this.pendingEnvelope = undefined;
    return envelope;
  }

  private traced(descriptor: HandlerDescriptor, invoke: Invoker): Invoker {
    const core = this.core;
    const event = descriptor.event ?? '';
    const name = `${PROCESS} ${event}`;
    const controller = descriptor.controller.name;
    const attributes: Attributes = {
      [Attr.SYSTEM]: MESSAGING_SYSTEM,
      [Attr.SYSTEM_NAME]: MESSAGING_SYSTEM,
      [Attr.OPERATION]: PROCESS,
      [Attr.OPERATION_NAME]: PROCESS,
      [Attr.OPERATION_TYPE]: PROCESS,
      [Attr.DESTINATION]: event,
      [Attr.ROUTE]: descriptor.classMetadata.controller?.path ?? '',
      [Attr.CONTROLLER]: controller,
      [Attr.METHOD]: descriptor.methodName,
      [Attr.CODE_FUNCTION]: `${controller}.${descriptor.methodName}`,
    };
    const kind = core.api.SpanKind.CONSUMER;
    return (client, payload, hook) => {
      const envelope = this.take(client, event);
      const start = core.fromClient(envelope?.traceparent, envelope?.tracestate);
      const upgrade = client.locals[UPGRADE_CONTEXT];
      if (upgrade !== undefined) start.links.push({ context: upgrade as never });
      const span = core.tracer.startSpan(name, { kind, attributes, links: start.links }, start.parent);
      span.setAttribute(Attr.CLIENT_ID, client.id);
      if (envelope?.id !== undefined) span.setAttribute(Attr.MESSAGE_ID, String(envelope.id));
      return core.run(span, start.parent, () => invoke(client, payload, hook));
    };
  }

  private tracedStep(descriptor: HandlerDescriptor, step: HandlerStep, run: StepFn): StepFn {
    const core = this.core;
    const api = core.api;
    const verb = step.kind === 'guard' ? 'guard' : step.kind === 'validation' ? 'validate' : 'handler';
    const name = `${verb} ${step.name}`;
    const attributes: Attributes = { [Attr.SYSTEM]: MESSAGING_SYSTEM, [Attr.STEP]: step.kind, [Attr.DESTINATION]: descriptor.event ?? '' };
    if (step.kind === 'handler') attributes[Attr.CODE_FUNCTION] = step.name;
    if (step.property !== undefined) attributes[Attr.PROPERTY] = step.property;
    const done = step.kind === 'guard' ? (allowed: unknown): Attributes => ({ [Attr.GUARD_ALLOWED]: Boolean(allowed) }) : undefined;
    return function (this: unknown, ...args: unknown[]): unknown {
      const parent = core.scope.active();
      // Outside a traced message (a test calling the handler directly): no span.
      if (api.trace.getSpan(parent) === undefined) return run.apply(this, args);
      const span = core.tracer.startSpan(name, { attributes }, parent);
      return core.run(span, parent, () => run.apply(this, args), done);
    };
  }
}
