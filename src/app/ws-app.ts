/**
 * @module app/ws-app
 * The running application that `bootstrap()` returns.
 */
import { withTimeout } from '../util/with-timeout';
import type { DependencyContainer } from 'tsyringe';
import type { Adapter } from '../adapter/adapter';
import { silentLogger, type Logger } from './logger';
import type { ConnectionEngine } from '../engine/connection-engine';
import type { ProviderToken } from '../metadata/types';
import type { Transport } from '../spi/transport';
import { METRICS_OFF } from '../observability/options';

/** A running app: its port, server, providers, and `close()`. */
export class WsApp {
  private closing?: Promise<void>;

  /** @internal */
  constructor(
    /** The app's own DI container. */
    readonly container: DependencyContainer,
    private readonly engine: ConnectionEngine,
    private readonly transport: Transport,
    private readonly adapter: Adapter,
    private readonly closeTimeoutMs: number,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** The port it listens on (the user server's port when attached to one). */
  get port(): number {
    return this.transport.port;
  }

  /** The HTTP(S) server carrying the WebSockets. */
  get server(): import('node:http').Server | import('node:https').Server {
    return this.transport.server as import('node:http').Server;
  }

  /** Resolves a provider (a singleton within this app). */
  get<T>(token: ProviderToken<T>): T {
    return this.container.resolve(token as Parameters<DependencyContainer['resolve']>[0]) as T;
  }

  /** @internal Set by bootstrap when `metrics` is on. */
  metricsSource?: () => Promise<string>;

  /** The Prometheus exposition text of this app's metrics (rejects when `metrics` is off). */
  metrics(): Promise<string> {
    if (!this.metricsSource) return Promise.reject(new Error(METRICS_OFF));
    return this.metricsSource();
  }

  /**
   * Stops accepting connections (503), lets running handlers finish, closes every client with 1001,
   * waits for `@OnDisconnect` handlers, and frees the port (a user-supplied server stays open), all
   * within `timeoutMs` (default `closeTimeoutMs`), then resolves. Calling it twice is safe.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? this.closeTimeoutMs);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.engine.shutdown(timeoutMs);
    await this.transport.close();
    // The adapter gets what is left of the budget and is not awaited past it: leaving the cluster
    // is best effort (the other nodes purge a node that left silently), and a frozen Redis or a
    // failing adapter must not keep close() from resolving.
    const left = Math.max(0, deadline - Date.now());
    const closed = this.adapter.close({ timeoutMs: left }).then(
      () => 'closed' as const,
      (err: unknown) => void this.logger.warn({ err }, 'the adapter failed to close'),
    );
    if ((await withTimeout(closed, left, () => 'late' as const)) === 'late')
      this.logger.warn({ timeoutMs }, 'the adapter was still closing at the shutdown deadline');
  }
}
