/**
 * @module pipeline/connection-scope
 * ConnectionHandle-scoped providers: `{ provide, useClass, scope: 'connection' }` gets one instance per
 * connection, from a child container created lazily on first use and disposed after `@OnDisconnect`.
 */
import { injectable, Lifecycle, type DependencyContainer } from 'tsyringe';
import type { ConnectionHandle } from '../spi/handles';
import type { WsClient } from '../socket/ws-client';
import type { Logger } from '../util/logger';
import type { Provider, ProviderToken } from '../metadata/types';

type TsyringeToken = Parameters<DependencyContainer['resolve']>[0];
type Class = new (...args: never[]) => unknown;

const SCOPE_KEY = 'ws-controllers:connection-scope';

interface Scope {
  container: DependencyContainer;
  /** Instances created in this scope, in creation order (disposed in reverse). */
  instances: unknown[];
}

// Which scope host serves a controller instance (each app resolves its own controller instances).
const hosts = new WeakMap<object, ConnectionScopes>();

function describe(token: ProviderToken): string {
  return typeof token === 'function' ? token.name : String(token);
}

/** The connection-scoped providers of one app, and the per-connection containers made from them. */
export class ConnectionScopes {
  private readonly providers: Array<{ token: TsyringeToken; useClass: Class }> = [];
  private readonly scopedTokens = new Set<unknown>();

  constructor(
    private readonly app: DependencyContainer,
    private readonly logger: Logger,
  ) {}

  /** Takes a provider if it is connection-scoped (returns `false` for every other provider). */
  register(provider: Provider): boolean {
    if (typeof provider === 'function' || !('useClass' in provider) || provider.scope !== 'connection') return false;
    const token = provider.provide as TsyringeToken;
    injectable()(provider.useClass as unknown as new (...args: unknown[]) => unknown);
    this.providers.push({ token, useClass: provider.useClass });
    this.scopedTokens.add(token);
    // Resolving it outside a connection is a mistake worth a clear message (e.g. a singleton depending on it).
    this.app.register(token, {
      useFactory: () => {
        throw new Error(`${describe(provider.provide)} is connection-scoped: inject it in a handler with @Inject(${describe(provider.provide)})`);
      },
    });
    return true;
  }

  /** Whether any provider is connection-scoped. */
  get active(): boolean {
    return this.providers.length > 0;
  }

  /** Makes `scopedContainer()` work for the connections of this controller instance. */
  adopt(controllerInstance: object): void {
    hosts.set(controllerInstance, this);
  }

  /** Resolves a token for a connection: scoped tokens from its own container, others from the app. */
  resolve(connection: ConnectionHandle, token: TsyringeToken): unknown {
    return this.scopedTokens.has(token) ? this.scopeOf(connection).container.resolve(token) : this.app.resolve(token);
  }

  /** The connection's container (the app's own when there are no scoped providers). */
  containerOf(connection: ConnectionHandle): DependencyContainer {
    return this.providers.length === 0 ? this.app : this.scopeOf(connection).container;
  }

  private scopeOf(connection: ConnectionHandle): Scope {
    let scope = connection.locals[SCOPE_KEY] as Scope | undefined;
    if (scope === undefined) {
      const container = this.app.createChildContainer();
      const instances: unknown[] = [];
      for (const { token, useClass } of this.providers) {
        // A singleton within the child container is exactly one instance per connection.
        container.register(token, { useClass: useClass as never }, { lifecycle: Lifecycle.Singleton });
        container.afterResolution(token, (_t, instance) => void instances.push(instance), { frequency: 'Once' });
      }
      scope = { container, instances };
      connection.locals[SCOPE_KEY] = scope;
    }
    return scope;
  }

  /** Disposes what the connection's scope created (instances with `dispose()`), newest first. */
  async dispose(connection: ConnectionHandle): Promise<void> {
    const scope = connection.locals[SCOPE_KEY] as Scope | undefined;
    if (scope === undefined) return;
    delete connection.locals[SCOPE_KEY];
    for (const instance of scope.instances.reverse()) {
      const dispose = (instance as { dispose?: unknown } | null)?.dispose;
      if (typeof dispose !== 'function') continue;
      try {
        await (dispose as () => unknown).call(instance);
      } catch (err) {
        this.logger.error({ err, clientId: connection.id }, 'disposing a connection-scoped provider failed');
      }
    }
  }
}

/** The DI container of a client's connection (connection-scoped providers resolve to its own instances). */
export function scopedContainer(client: WsClient): DependencyContainer {
  const connection = client as ConnectionHandle;
  const host = hosts.get(connection.controller?.instance);
  if (host === undefined) throw new Error('scopedContainer() needs a client of a running ws-controllers app');
  return host.containerOf(connection);
}

/** Resolves a token for a client (used by `@Inject`). */
export function resolveForClient(client: WsClient, token: ProviderToken): unknown {
  const connection = client as ConnectionHandle;
  const host = hosts.get(connection.controller?.instance);
  if (host === undefined) throw new Error('@Inject() needs a client of a running ws-controllers app');
  return host.resolve(connection, token as TsyringeToken);
}
