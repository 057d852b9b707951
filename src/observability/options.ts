/**
 * @module observability/options
 * The `metrics`, `health` and `admin` options of `bootstrap()`, with their defaults.
 */

/** The part of a `prom-client` Registry the framework uses (so the core needs no prom-client types). */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Settings of `bootstrap(..., { metrics })`. */
export interface MetricsOptions {
  /** Also serve the exposition text at this path on the app's HTTP server. @default not served */
  path?: string | undefined;
  /** Register in your own `prom-client` registry. @default a registry of the app's own */
  registry?: MetricsRegistry | undefined;
  /** Prefix of every metric name. @default 'ws_' */
  prefix?: string | undefined;
  /** Upper bounds (seconds) of the handler duration histogram. @default 0.0005 to 2.5 */
  buckets?: number[] | undefined;
  /** Also collect prom-client's default process metrics (CPU, memory, event loop lag). @default false */
  defaultMetrics?: boolean | undefined;
}

/** Settings of `bootstrap(..., { health })`. */
export interface HealthOptions {
  /** Liveness: 200 while the process serves HTTP. @default '/healthz' */
  livePath?: string | undefined;
  /** Readiness: 200 while accepting connections and the adapter is connected, else 503. @default '/readyz' */
  readyPath?: string | undefined;
}

/** Settings of `bootstrap(..., { admin })`: a live admin page, off by default. */
export interface AdminOptions {
  /** Where the page (HTTP) and its live feed (WebSocket) are served. @default '/admin' */
  path?: string | undefined;
  /** The secret to present as `?token=` or `Authorization: Bearer`. Required. */
  token: string;
  /** How often the page is refreshed, in ms. @default 1000 */
  refreshMs?: number | undefined;
  /** How many recent errors the page keeps. @default 50 */
  recentErrors?: number | undefined;
}

/** The observability options, as `bootstrap()` takes them. */
export interface ObservabilityOptions {
  /** Prometheus metrics: `true`, or settings. Needs the `prom-client` package. @default off */
  metrics?: boolean | MetricsOptions | undefined;
  /** `/healthz` and `/readyz`: `true`, or other paths. @default off */
  health?: boolean | HealthOptions | undefined;
  /** The live admin view. @default off */
  admin?: AdminOptions | undefined;
}

/** Default handler duration buckets, in seconds: sub-millisecond handlers are the common case. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** Adapter round-trip buckets, in seconds (local network hops). */
export const ADAPTER_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

/** The error of `app.metrics()` when metrics are off. */
export const METRICS_OFF =
  'ws-controllers: metrics are off; turn them on with bootstrap(Module, { metrics: true })';
