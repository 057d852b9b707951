/**
 * @module observability/health
 * `/healthz` (the process serves HTTP) and `/readyz` (accepting connections, adapter connected).
 */
import type { SideRequest, SideResponse } from '../spi/transport';
import { json, onlyGet } from './http-response';
import type { HealthOptions } from './options';

/** What readiness depends on. */
export interface ReadinessSource {
  /** Listening and not shutting down. */
  accepting(): boolean;
  /** The adapter reaches its cluster (`Adapter.isConnected`, true when the adapter has no such check). */
  adapterConnected(): boolean;
}

/** Answers the two health paths. */
export class HealthRoutes {
  readonly livePath: string;
  readonly readyPath: string;

  constructor(
    options: HealthOptions,
    private readonly source: ReadinessSource,
  ) {
    this.livePath = options.livePath ?? '/healthz';
    this.readyPath = options.readyPath ?? '/readyz';
  }

  /** The response for a health path, or undefined for any other path. */
  request(req: SideRequest): SideResponse | undefined {
    if (req.path !== this.livePath && req.path !== this.readyPath) return undefined;
    const refused = onlyGet(req);
    if (refused) return refused;
    if (req.path === this.livePath) return json(200, { status: 'ok' });
    const checks = { accepting: this.source.accepting(), adapter: this.source.adapterConnected() };
    const ready = checks.accepting && checks.adapter;
    return json(ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', checks });
  }
}
