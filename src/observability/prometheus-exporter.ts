/**
 * @module observability/prometheus-exporter
 * Registers the framework's metrics in a `prom-client` registry. Every value is read from
 * `TrafficStats` or the hub at scrape time, so nothing here runs per message.
 */
import type { Hub } from '../rooms/hub';
import type { DurationBuckets } from './duration-buckets';
import type { MetricsRegistry } from './options';
import type { PromClientModule } from './prom-loader';
import { routeOf, type TrafficStats } from './traffic-stats';

/** What the exporter reads. */
export interface ExporterSources {
  stats: TrafficStats;
  hub: Hub;
  /** Every controller path (so an idle path still reports 0 connections). */
  routes: readonly string[];
  /** Adapter round-trip times by operation. */
  adapterTimes: ReadonlyMap<string, DurationBuckets>;
}

/** Settings of the exporter. */
export interface ExporterSettings {
  prefix: string;
  registry?: MetricsRegistry | undefined;
  defaultMetrics: boolean;
}

type Registry = InstanceType<PromClientModule['Registry']>;
type HistogramSource = () => Iterable<[string, DurationBuckets]>;

/** Creates the metrics; returns the registry they live in. */
export function registerMetrics(
  prom: PromClientModule,
  settings: ExporterSettings,
  sources: ExporterSources,
): Registry {
  const registry = (settings.registry as Registry | undefined) ?? new prom.Registry();
  const registers = [registry];
  const p = settings.prefix;
  const { stats, hub } = sources;
  if (settings.defaultMetrics) prom.collectDefaultMetrics({ register: registry });

  new prom.Gauge({
    name: `${p}connections`,
    help: 'Open WebSocket connections, by controller path',
    labelNames: ['path'],
    registers,
    collect() {
      const counts = new Map<string, number>(sources.routes.map((route) => [route, 0]));
      for (const connection of hub.clients.values()) {
        const route = routeOf(connection);
        counts.set(route, (counts.get(route) ?? 0) + 1);
      }
      this.reset();
      for (const [path, value] of counts) this.set({ path }, value);
    },
  });
  counter(
    prom,
    registers,
    `${p}connects_total`,
    'Completed WebSocket handshakes, by controller path',
    'path',
    () => stats.connects,
  );
  counter(
    prom,
    registers,
    `${p}disconnects_total`,
    'Closed WebSocket connections, by controller path',
    'path',
    () => stats.disconnects,
  );
  new prom.Counter({
    name: `${p}refusals_total`,
    help: 'Refused WebSocket handshakes, by HTTP status and error code',
    labelNames: ['status', 'code'],
    registers,
    collect() {
      this.reset();
      for (const { status, code, count } of stats.refusals.values()) this.inc({ status, code }, count);
    },
  });
  counter(prom, registers, `${p}messages_in_total`, 'Messages received by handled event', 'event', () =>
    counts(stats, 'in'),
  );
  counter(
    prom,
    registers,
    `${p}messages_out_total`,
    'Messages sent (replies, pushes, errors, deliveries), by event',
    'event',
    () => counts(stats, 'out'),
  );
  counter(
    prom,
    registers,
    `${p}errors_total`,
    'Error envelopes sent to clients, by code',
    'code',
    () => stats.errors,
  );
  histogram(
    prom,
    registers,
    `${p}handler_duration_seconds`,
    'Time spent in @OnMessage handlers (async ones until settled), by event',
    'event',
    () => [...stats.events.values()].filter((e) => e.duration.count > 0).map((e) => [e.event, e.duration]),
  );
  gauge(prom, registers, `${p}rooms`, 'Rooms with at least one local member', () => hub.roomMembers.size);
  gauge(
    prom,
    registers,
    `${p}room_members`,
    'Room memberships of local clients (a client in two rooms counts twice)',
    () => {
      let total = 0;
      for (const members of hub.roomMembers.values()) total += members.size;
      return total;
    },
  );
  gauge(
    prom,
    registers,
    `${p}buffered_bytes`,
    'Bytes queued in sockets but not yet written to the network',
    () => {
      let total = 0;
      for (const connection of hub.clients.values()) total += connection.socket?.bufferedAmount ?? 0;
      return total;
    },
  );
  histogram(
    prom,
    registers,
    `${p}adapter_roundtrip_seconds`,
    'Round-trip time of scale-out adapter operations, by operation',
    'op',
    () => sources.adapterTimes,
  );
  return registry;
}

function counts(stats: TrafficStats, field: 'in' | 'out'): Map<string, number> {
  const out = new Map<string, number>();
  for (const event of stats.events.values()) if (event[field] > 0) out.set(event.event, event[field]);
  return out;
}

function counter(
  prom: PromClientModule,
  registers: Registry[],
  name: string,
  help: string,
  label: string,
  read: () => ReadonlyMap<string, number>,
): void {
  new prom.Counter({
    name,
    help,
    labelNames: [label],
    registers,
    collect() {
      this.reset();
      for (const [value, count] of read()) this.inc({ [label]: value }, count);
    },
  });
}

function gauge(
  prom: PromClientModule,
  registers: Registry[],
  name: string,
  help: string,
  read: () => number,
): void {
  new prom.Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}

// prom-client's Histogram observes one value at a time through label hashing; ours are already
// aggregated in DurationBuckets, so this subclass reports them directly at scrape time.
function histogram(
  prom: PromClientModule,
  registers: Registry[],
  name: string,
  help: string,
  label: string,
  read: HistogramSource,
): void {
  class AggregatedHistogram extends prom.Histogram<string> {
    override async get(): Promise<Awaited<ReturnType<InstanceType<PromClientModule['Histogram']>['get']>>> {
      const values = [];
      for (const [key, buckets] of read()) {
        const cumulative = buckets.cumulative();
        buckets.bounds.forEach((bound, i) => {
          values.push({
            labels: { [label]: key, le: bound },
            value: cumulative[i]!,
            metricName: `${name}_bucket`,
          });
        });
        values.push({
          labels: { [label]: key, le: '+Inf' },
          value: buckets.count,
          metricName: `${name}_bucket`,
        });
        values.push({ labels: { [label]: key }, value: buckets.sum, metricName: `${name}_sum` });
        values.push({ labels: { [label]: key }, value: buckets.count, metricName: `${name}_count` });
      }
      // prom-client types `type` as an enum it does not export at run time: the string is what it prints.
      return { name, help, type: 'histogram' as never, values, aggregator: 'sum', collect: () => undefined };
    }

    async getForPromString(): Promise<Awaited<ReturnType<AggregatedHistogram['get']>>> {
      return this.get();
    }
  }
  new AggregatedHistogram({ name, help, labelNames: [label], registers });
}
