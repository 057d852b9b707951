/** The adapter and host views of the cluster tracer, against a fake adapter. */
import type { Adapter, AdapterHost, BroadcastPacket, Logger } from 'ws-controllers';
import { createTracing } from '../../src/tracing/tracing';
import { memoryProvider, spanNamed } from './tracing-app';

const { provider, exporter } = memoryProvider();
const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

class FakeAdapter {
  readonly published: BroadcastPacket[] = [];
  private readonly secret = 'private state';
  async publish(packet: BroadcastPacket): Promise<void> {
    this.published.push(packet);
  }
  async count(): Promise<number> {
    return this.secret.length; // reads a field: works only when called on the adapter itself
  }
}

test('publish: the packet handed on carries the span context, the caller keeps its own packet, rooms are capped', async () => {
  const tracing = createTracing({ tracerProvider: provider }, silent)!;
  const fake = new FakeAdapter();
  const view = tracing.adapterView(fake as unknown as Adapter);
  const rooms = Array.from({ length: 40 }, (_, i) => `room-${i}`);
  const packet: BroadcastPacket = { data: '{"event":"x"}', rooms };
  await view.publish(packet);
  expect(packet.trace).toBeUndefined();
  const span = spanNamed(exporter, 'publish broadcast');
  expect(fake.published[0]?.trace?.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  expect(span.attributes['messaging.ws_controllers.rooms']).toEqual(rooms.slice(0, 32));
  expect(span.attributes['messaging.ws_controllers.room_count']).toBe(40);
  expect(span.attributes['messaging.destination.name']).toBeUndefined();
  expect(await view.count()).toBe('private state'.length);
});

test('a failed publish ends its span as an error and rejects as before', async () => {
  const tracing = createTracing({ tracerProvider: provider }, silent)!;
  const view = tracing.adapterView({ publish: () => Promise.reject(new Error('redis down')) } as unknown as Adapter);
  await expect(view.publish({ data: 'x' })).rejects.toThrow('redis down');
  expect(spanNamed(exporter, 'publish broadcast').attributes['messaging.ws_controllers.outcome']).toBe('error');
});

test('the host view delegates everything, and only deliveries the adapter makes are traced', async () => {
  const tracing = createTracing({ tracerProvider: provider }, silent)!;
  const calls: string[] = [];
  const host: AdapterHost = {
    nodeId: 'n1',
    deliverLocal: () => 3,
    sendLocal: (id) => (calls.push(`send ${id}`), true),
    disconnectLocal: (id) => (calls.push(`disconnect ${id}`), true),
    joinLocal: async (id, room) => (calls.push(`join ${id} ${room}`), true),
    leaveLocal: async (id, room) => (calls.push(`leave ${id} ${room}`), true),
    localIds: () => ['a'],
    localMembers: () => ['b'],
    localRoomsOf: () => ['r'],
  };
  const view = tracing.hostView(host);
  expect(view.nodeId).toBe('n1');
  expect(view.deliverLocal({ data: 'x', rooms: ['r'] })).toBe(3);
  expect(view.sendLocal('c', 'x')).toBe(true);
  expect(view.disconnectLocal('c', 1000, 'bye')).toBe(true);
  expect(await view.joinLocal('c', 'r')).toBe(true);
  expect(await view.leaveLocal('c', 'r')).toBe(true);
  expect([view.localIds(), view.localMembers('r'), view.localRoomsOf('c')]).toEqual([['a'], ['b'], ['r']]);
  expect(calls).toEqual(['send c', 'disconnect c', 'join c r', 'leave c r']);
  expect(spanNamed(exporter, 'deliver broadcast').attributes['messaging.ws_controllers.recipients']).toBe(3);
  expect(spanNamed(exporter, 'deliver client').attributes['messaging.ws_controllers.delivered']).toBe(true);
  expect(view.traceContext?.()).toBeUndefined(); // no span is current here
});

test('the host view forwards the recovery calls: a logged send (traced) and a takeover', async () => {
  const tracing = createTracing({ tracerProvider: provider }, silent)!;
  const calls: string[] = [];
  const host = {
    nodeId: 'n1',
    sendLocal: () => (calls.push('plain send'), true),
    sendLocalDurable: async (id: string) => (calls.push(`logged send ${id}`), true),
    takeOverLocal: (id: string) => (calls.push(`takeover ${id}`), true),
  } as unknown as AdapterHost;
  const view = tracing.hostView(host);
  expect(await view.sendLocalDurable?.('c', 'x')).toBe(true);
  expect(view.takeOverLocal?.('c')).toBe(true);
  expect(calls).toEqual(['logged send c', 'takeover c']);
  expect(spanNamed(exporter, 'deliver client').attributes['messaging.ws_controllers.delivered']).toBe(true);
});
