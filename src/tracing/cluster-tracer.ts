/**
 * @module tracing/cluster-tracer
 * Spans of what crosses to other nodes: a PRODUCER span per broadcast handed to the adapter
 * (`publish broadcast`, its context carried in the packet) and, on every node that receives it, a
 * CONSUMER span for the local delivery (`deliver broadcast`), child of and linked to the publisher's span;
 * the same for a send to one client on another node (`send client`, `deliver client`).
 * Built by viewing the adapter (`publish`, `sendRemote`) and the host the adapter delivers through.
 */
import type { Attributes } from '@opentelemetry/api';
import type { Adapter, AdapterHost, BroadcastPacket, TraceCarrier } from '../adapter/adapter';
import { Attr, MESSAGING_SYSTEM } from './semconv';
import type { TraceCore } from './trace-core';
import { formatTraceparent, parseTraceparent } from './trace-context';

const BROADCAST = 'broadcast';
const CLIENT = 'client';
/** Rooms listed on a span at most (`room_count` has them all). */
export const MAX_ROOMS = 32;

function operationAttributes(operation: string, type: string): Attributes {
  return {
    [Attr.SYSTEM]: MESSAGING_SYSTEM,
    [Attr.SYSTEM_NAME]: MESSAGING_SYSTEM,
    [Attr.OPERATION]: operation,
    [Attr.OPERATION_NAME]: operation,
    [Attr.OPERATION_TYPE]: type,
  };
}

function packetAttributes(packet: BroadcastPacket, operation: string, type: string): Attributes {
  const attributes = operationAttributes(operation, type);
  const rooms = packet.rooms;
  if (rooms !== undefined) {
    // A broadcast to thousands of rooms should not make a span of thousands of values.
    attributes[Attr.ROOMS] = rooms.length > MAX_ROOMS ? rooms.slice(0, MAX_ROOMS) : [...rooms];
    attributes[Attr.ROOM_COUNT] = rooms.length;
    if (rooms.length === 1) attributes[Attr.DESTINATION] = rooms[0];
  }
  if (packet.path !== undefined) attributes[Attr.PATH] = packet.path;
  return attributes;
}

/** Cluster spans of one app. */
export class ClusterTracer {
  constructor(private readonly core: TraceCore) {}

  /** The adapter as the hub should use it: `publish` traced and carrying the trace context, the rest its own. */
  adapterView(adapter: Adapter): Adapter {
    const core = this.core;
    const publish = (packet: BroadcastPacket): Promise<void> => {
      const parent = core.scope.active();
      const span = core.tracer.startSpan(`publish ${BROADCAST}`, { kind: core.api.SpanKind.PRODUCER, attributes: packetAttributes(packet, 'publish', 'send') }, parent);
      const traced: BroadcastPacket = { ...packet, trace: formatTraceparent(span.spanContext()) };
      return core.run(span, parent, () => adapter.publish(traced)) as Promise<void>;
    };
    const sendRemote = (clientId: string, data: string | Uint8Array): Promise<boolean | undefined> => {
      const parent = core.scope.active();
      const attributes = { ...operationAttributes('send', 'send'), [Attr.TARGET_CLIENT]: clientId };
      const span = core.tracer.startSpan(`send ${CLIENT}`, { kind: core.api.SpanKind.PRODUCER, attributes }, parent);
      // The adapter reads the context to carry from the host (`traceContext`), within this span.
      return core.run(span, parent, () => adapter.sendRemote(clientId, data), (sent) => ({ [Attr.DELIVERED]: sent === true })) as Promise<boolean | undefined>;
    };
    const members = new Map<PropertyKey, unknown>([
      ['publish', publish],
      ['sendRemote', sendRemote],
    ]);
    return new Proxy(adapter, {
      get(target, key) {
        const own = members.get(key);
        if (own !== undefined) return own;
        const value = (target as unknown as Record<PropertyKey, unknown>)[key];
        if (typeof value !== 'function') return value;
        // Methods stay bound to the adapter, so its private fields keep working.
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        members.set(key, bound);
        return bound;
      },
    });
  }

  /** The host as the adapter should see it: deliveries of packets from other nodes are traced. */
  hostView(host: AdapterHost): AdapterHost {
    return new TracedHost(host, this.core);
  }
}

/** Delegates to the hub; only `deliverLocal` (which only the adapter calls through this view) is traced. */
class TracedHost implements AdapterHost {
  constructor(
    private readonly host: AdapterHost,
    private readonly core: TraceCore,
  ) {}

  get nodeId(): string {
    return this.host.nodeId;
  }

  get logger(): AdapterHost['logger'] {
    return this.host.logger;
  }

  deliverLocal(packet: BroadcastPacket): number {
    const core = this.core;
    const remote = packet.trace === undefined ? undefined : parseTraceparent(core.api, packet.trace.traceparent, packet.trace.tracestate);
    const start = core.fromPeer(remote);
    const span = core.tracer.startSpan(
      `deliver ${BROADCAST}`,
      { kind: core.api.SpanKind.CONSUMER, attributes: packetAttributes(packet, 'deliver', 'process'), links: start.links },
      start.parent,
    );
    return core.run(span, start.parent, () => this.host.deliverLocal(packet), (delivered) => ({ [Attr.RECIPIENTS]: delivered as number })) as number;
  }

  sendLocal(clientId: string, data: string | Uint8Array, trace?: TraceCarrier): boolean {
    return this.deliverTo(clientId, trace, () => this.host.sendLocal(clientId, data)) as boolean;
  }

  sendLocalDurable(clientId: string, data: string | Uint8Array, trace?: TraceCarrier): Promise<boolean | undefined> {
    const host = this.host;
    const send = (): boolean | Promise<boolean | undefined> =>
      host.sendLocalDurable !== undefined ? host.sendLocalDurable(clientId, data) : host.sendLocal(clientId, data);
    return Promise.resolve(this.deliverTo(clientId, trace, send) as boolean | Promise<boolean | undefined>);
  }

  // A delivery to one local client, as the consumer span of the sender's trace.
  private deliverTo(clientId: string, trace: TraceCarrier | undefined, send: () => unknown): unknown {
    const core = this.core;
    const start = core.fromPeer(trace === undefined ? undefined : parseTraceparent(core.api, trace.traceparent, trace.tracestate));
    const attributes = { ...operationAttributes('deliver', 'process'), [Attr.TARGET_CLIENT]: clientId };
    const span = core.tracer.startSpan(`deliver ${CLIENT}`, { kind: core.api.SpanKind.CONSUMER, attributes, links: start.links }, start.parent);
    return core.run(span, start.parent, send, (sent) => ({ [Attr.DELIVERED]: sent === true }));
  }

  takeOverLocal(clientId: string): boolean {
    return this.host.takeOverLocal?.(clientId) ?? false;
  }

  /** The current span's context, for the adapter to carry with a command. */
  traceContext(): TraceCarrier | undefined {
    const span = this.core.api.trace.getSpan(this.core.scope.active());
    const context = span?.spanContext();
    return context !== undefined && this.core.api.isSpanContextValid(context) ? formatTraceparent(context) : undefined;
  }

  disconnectLocal(clientId: string, code?: number, reason?: string): boolean {
    return this.host.disconnectLocal(clientId, code, reason);
  }

  joinLocal(clientId: string, room: string): Promise<boolean> {
    return this.host.joinLocal(clientId, room);
  }

  leaveLocal(clientId: string, room: string): Promise<boolean> {
    return this.host.leaveLocal(clientId, room);
  }

  localIds(path?: string): string[] {
    return this.host.localIds(path);
  }

  localMembers(room: string): string[] {
    return this.host.localMembers(room);
  }

  localRoomsOf(clientId: string): string[] | undefined {
    return this.host.localRoomsOf(clientId);
  }
}
