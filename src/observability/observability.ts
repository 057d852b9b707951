/**
 * @module observability/observability
 * Composes metrics, health and the admin view for one app and hands bootstrap the hooks it wires:
 * an invoker enhancer, a lifecycle observer, error and send taps, and the side routes.
 * Nothing is created (and nothing costs anything) for a feature that is off.
 */
import type { Adapter } from '../adapter/adapter';
import type { Logger } from '../util/logger';
import type { ErrorTap, InvokerEnhancer } from '../spi/extensions';
import type { ConnectionEngine, EngineObserver } from '../engine/connection-engine';
import type { Hub } from '../rooms/hub';
import type { SideResponse, Transport } from '../spi/transport';
import { AdminView } from './admin/admin-view';
import type { DurationBuckets } from './duration-buckets';
import { HealthRoutes } from './health';
import { onlyGet } from './http-response';
import {
  ADAPTER_BUCKETS,
  DEFAULT_DURATION_BUCKETS,
  METRICS_OFF,
  type MetricsOptions,
  type ObservabilityOptions,
} from './options';
import { registerMetrics } from './prometheus-exporter';
import { loadPromClient, type PromClientModule } from './prom-loader';
import { combineEndpoints, type SideEndpoint } from './side-routes';
import { TrafficStats } from './traffic-stats';
import { timeAdapter } from './timed-adapter';

/** What the composition root gives once the app's parts exist. */
export interface ObservedApp {
  hub: Hub;
  engine: ConnectionEngine;
  transport: Transport;
  /** The adapter as configured (not the timed view). */
  adapter: Adapter;
  /** Every controller path. */
  routes: readonly string[];
}

/** The observability of one app; `createObservability` returns undefined when everything is off. */
export class Observability {
  /** Set once counters are needed (metrics or admin). */
  readonly stats: TrafficStats | undefined;
  private readonly metricsOptions: MetricsOptions | undefined;
  private readonly prom: PromClientModule | undefined;
  private readonly adapterTimes = new Map<string, DurationBuckets>();
  private exposition: (() => Promise<string>) | undefined;
  private contentType = 'text/plain; version=0.0.4; charset=utf-8';
  private listening = false;
  /** Endpoint paths served, for the start-up log. */
  readonly endpoints: Record<string, string> = {};

  constructor(
    private readonly options: ObservabilityOptions,
    private readonly logger: Logger,
  ) {
    this.metricsOptions = options.metrics === true ? {} : options.metrics || undefined;
    // Loaded now, so a missing prom-client fails bootstrap() rather than the first scrape.
    this.prom = this.metricsOptions ? loadPromClient() : undefined;
    this.stats =
      this.metricsOptions || options.admin
        ? new TrafficStats(
            this.metricsOptions?.buckets ?? DEFAULT_DURATION_BUCKETS,
            options.admin?.recentErrors ?? 50,
          )
        : undefined;
  }

  /** Counts and times handled messages (outermost wrapper). */
  get enhancers(): InvokerEnhancer[] {
    return this.stats ? [this.stats.enhancer] : [];
  }

  /** Counts connects, refusals and disconnects. */
  get observers(): EngineObserver[] {
    return this.stats ? [this.stats.observer] : [];
  }

  /** Counts error envelopes by code. */
  get onError(): ErrorTap | undefined {
    return this.stats?.onError;
  }

  /** The adapter the hub should use: timed when metrics are on. */
  adapterView(adapter: Adapter): Adapter {
    return this.metricsOptions ? timeAdapter(adapter, this.adapterTimes, ADAPTER_BUCKETS) : adapter;
  }

  /** Wires the parts: send tap, metrics registry, endpoints. Call before the transport listens. */
  attach(app: ObservedApp): void {
    if (this.stats) app.hub.onSend = this.stats.onSend;
    const endpoints: SideEndpoint[] = [];
    const metrics = this.metricsOptions;
    if (metrics && this.prom && this.stats) {
      const registry = registerMetrics(
        this.prom,
        {
          prefix: metrics.prefix ?? 'ws_',
          registry: metrics.registry,
          defaultMetrics: metrics.defaultMetrics ?? false,
        },
        { stats: this.stats, hub: app.hub, routes: app.routes, adapterTimes: this.adapterTimes },
      );
      this.exposition = () => registry.metrics();
      this.contentType = registry.contentType;
      if (metrics.path) endpoints.push(this.metricsEndpoint(metrics.path));
    }
    if (this.options.health) {
      const health = new HealthRoutes(this.options.health === true ? {} : this.options.health, {
        accepting: () => this.listening && !app.engine.closing,
        adapterConnected: () => adapterConnected(app.adapter, this.logger),
      });
      endpoints.push(health);
      this.endpoints.health = health.livePath;
      this.endpoints.ready = health.readyPath;
    }
    if (this.options.admin && this.stats) {
      const admin = new AdminView(this.options.admin, app.hub, this.stats, this.logger);
      endpoints.push(admin);
      this.endpoints.admin = admin.path;
    }
    if (endpoints.length === 0) return;
    if (app.transport.useSideRoutes) app.transport.useSideRoutes(combineEndpoints(endpoints));
    else
      this.logger.warn(
        { endpoints: this.endpoints },
        'this transport cannot serve HTTP endpoints: metrics/health/admin paths are not served',
      );
  }

  /** The transport is listening: readiness may pass. */
  started(): void {
    this.listening = true;
  }

  /** The exposition text (rejects when metrics are off). */
  metrics(): Promise<string> {
    if (!this.exposition) return Promise.reject(new Error(METRICS_OFF));
    return this.exposition();
  }

  private metricsEndpoint(path: string): SideEndpoint {
    this.endpoints.metrics = path;
    return {
      request: (req) => {
        if (req.path !== path) return undefined;
        return onlyGet(req) ?? this.scrape();
      },
    };
  }

  private async scrape(): Promise<SideResponse> {
    const body = await this.metrics();
    return { status: 200, headers: { 'Content-Type': this.contentType, 'Cache-Control': 'no-store' }, body };
  }
}

function adapterConnected(adapter: Adapter, logger: Logger): boolean {
  try {
    return adapter.isConnected?.() ?? true;
  } catch (err) {
    logger.warn({ err }, 'adapter isConnected() failed');
    return false;
  }
}

/** The app's observability, or undefined when metrics, health and admin are all off. */
export function createObservability(
  options: ObservabilityOptions,
  logger: Logger,
): Observability | undefined {
  if (!options.metrics && !options.health && !options.admin) return undefined;
  return new Observability(options, logger);
}
