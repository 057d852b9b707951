/**
 * @module pipeline/request-pipeline
 * Builds the request pipeline of an app at start-up: resolves global, controller and handler guards,
 * middleware, interceptors, filters and rate limits once, and plugs them into the core's seams
 * (an invoker enhancer, an upgrade gate, a lifecycle observer).
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from '../util/logger';
import type { HandlerDescriptor, InvokerEnhancer } from '../spi/extensions';
import type { ConnectionHandle } from '../spi/handles';
import type { Invoker, StepEnhancer, StepFn } from '../spi/extensions';
import { isThenable } from '../util/thenable';
import type { EngineObserver, FrameLimiter, UpgradeGate } from '../spi/extensions';
import type { ClassMetadata } from '../metadata/types';
import { PIPELINE_EXTRAS } from '../metadata/pipeline-extras';
import { buildChain, checkGuards, runGuards, type Stages } from './chain';
import { ConnectionScopes } from './connection-scope';
import { ExecutionContext, type HandlerRef } from './execution-context';
import { resolveFilter } from './filters';
import { enforceLimits, RateLimiter } from './rate-limit';
import { PipelineResolver } from './resolve';
import type { CanActivate, FilterLike, GuardLike, InterceptorLike, MiddlewareLike, RateLimitOptions } from './types';

/** The app-wide pipeline settings (`bootstrap` options). */
export interface PipelineOptions {
  guards?: GuardLike[] | undefined;
  middleware?: MiddlewareLike[] | undefined;
  interceptors?: InterceptorLike[] | undefined;
  filters?: FilterLike[] | undefined;
  rateLimit?: RateLimitOptions | undefined;
  /** Wrappers of each guard of a message or raw handler (tracing). */
  steps?: readonly StepEnhancer[] | undefined;
}

interface ControllerStages extends Stages {
  /** What guards see at an upgrade. */
  connectRef: HandlerRef;
  /** Global then controller guards, run at every upgrade. */
  connectGuards: CanActivate[];
}

/** One app's pipeline. */
export class RequestPipeline {
  /** ConnectionHandle-scoped providers of the app. */
  readonly scopes: ConnectionScopes;
  private readonly resolver: PipelineResolver;
  private readonly global: Stages;
  private readonly controllers = new Map<Function, ControllerStages>();
  private readonly steps: readonly StepEnhancer[];

  constructor(container: DependencyContainer, options: PipelineOptions, logger: Logger) {
    this.steps = options.steps ?? [];
    this.scopes = new ConnectionScopes(container, logger);
    this.resolver = new PipelineResolver(container);
    this.global = this.stages(
      {
        guards: options.guards ?? [],
        middleware: options.middleware ?? [],
        interceptors: options.interceptors ?? [],
        filters: options.filters ?? [],
        rateLimit: options.rateLimit ? [options.rateLimit] : [],
      },
    );
  }

  /** Wraps each compiled handler; handlers with nothing attached get their invoker back untouched. */
  readonly enhancer: InvokerEnhancer = (descriptor, invoke) => this.enhance(descriptor, invoke);

  /**
   * Runs global and controller guards at every upgrade, before `@OnConnect`. Synchronous guards are
   * answered synchronously (no promise, so the engine sets no handshake timer for them).
   */
  readonly gate: UpgradeGate = (connection, controller) => {
    const stages = this.forController(controller.type, controller.classMetadata);
    if (stages.connectGuards.length === 0) return undefined;
    const ctx = new ExecutionContext(stages.connectRef, connection, undefined);
    if (!this.scopes.active) return checkGuards(stages.connectGuards, ctx);
    let checked: true | Promise<void>;
    try {
      checked = checkGuards(stages.connectGuards, ctx);
    } catch (error) {
      this.disposeRefused(connection, error);
    }
    return checked === true ? checked : checked.catch((error: unknown) => this.disposeRefused(connection, error));
  };

  /**
   * Counts frames that reach no handler (malformed, binary without a raw handler, unknown events)
   * against the app-wide and controller buckets, the ones every message of the controller takes from;
   * nothing is built for a controller without such a limit.
   */
  readonly strayFrames: FrameLimiter = (controller) => {
    const limiters = [...this.global.limiters, ...this.forController(controller.type, controller.classMetadata).limiters];
    if (limiters.length === 0) return undefined;
    return (connection) => enforceLimits(limiters, connection);
  };

  /** Disposes connection scopes of controllers without `@OnDisconnect` (the others dispose after it). */
  readonly observer: EngineObserver = {
    closed: (connection) => {
      if (this.scopes.active && connection.controller.disconnectHooks.length === 0) void this.scopes.dispose(connection);
    },
  };

  private enhance(descriptor: HandlerDescriptor, invoke: Invoker): Invoker {
    this.scopes.adopt(descriptor.instance);
    const controller = this.forController(descriptor.controller, descriptor.classMetadata);
    const handler = this.stages(descriptor.metadata.extras);
    const ref: HandlerRef = {
      controller: descriptor.controller,
      method: descriptor.methodName,
      handler: descriptor.handler ?? (descriptor.controller.prototype as Record<string, Function>)[descriptor.methodName],
      kind: descriptor.kind,
      event: descriptor.event,
    };
    switch (descriptor.kind) {
      case 'message':
      case 'raw':
        return buildChain(ref, invoke, {
          limiters: [...this.global.limiters, ...controller.limiters, ...handler.limiters],
          guards: this.wrapGuards(descriptor, [...this.global.guards, ...controller.guards, ...handler.guards]),
          middleware: [...this.global.middleware, ...controller.middleware, ...handler.middleware],
          interceptors: [...this.global.interceptors, ...controller.interceptors, ...handler.interceptors],
          // The most specific filter answers first.
          filters: [...handler.filters, ...controller.filters, ...this.global.filters],
        });
      case 'connect': {
        // Global and controller guards already ran in the gate; here only the hook's own guards.
        const guards = handler.guards;
        const guarded: Invoker =
          guards.length === 0
            ? invoke
            : (client, payload, hook) => runGuards(guards, new ExecutionContext(ref, client, undefined)).then(() => invoke(client, payload, hook));
        return this.scopes.active ? this.disposeOnRefusal(guarded) : guarded;
      }
      case 'disconnect':
        return this.scopes.active && isLastDisconnectHook(descriptor) ? this.disposeAfter(invoke) : invoke;
      default:
        return invoke;
    }
  }

  // Step enhancers (tracing) see each guard; without any, the guards are used as they are.
  private wrapGuards(descriptor: HandlerDescriptor, guards: CanActivate[]): CanActivate[] {
    if (this.steps.length === 0) return guards;
    return guards.map((guard) => {
      const own = guard.canActivate as StepFn;
      const name = guard.constructor !== Object ? guard.constructor.name : own.name || 'guard';
      const run = this.steps.reduce((fn, enhance) => enhance(descriptor, { kind: 'guard', name }, fn), own);
      return run === own ? guard : { canActivate: (ctx) => run.call(guard, ctx) as ReturnType<CanActivate['canActivate']> };
    });
  }

  // A connection refused at connect never closes: its scope (if a guard or hook opened one) is disposed here.
  private disposeRefused(connection: ConnectionHandle, error: unknown): never {
    void this.scopes.dispose(connection);
    throw error;
  }

  private disposeOnRefusal(invoke: Invoker): Invoker {
    const refusedWith = (client: ConnectionHandle, value: unknown): unknown => {
      if (value === false) void this.scopes.dispose(client);
      return value;
    };
    return (client, payload, hook) => {
      let result: unknown;
      try {
        result = invoke(client, payload, hook);
      } catch (error) {
        this.disposeRefused(client, error);
      }
      return isThenable(result)
        ? Promise.resolve(result).then(
            (value) => refusedWith(client, value),
            (error: unknown) => this.disposeRefused(client, error),
          )
        : refusedWith(client, result);
    };
  }

  private disposeAfter(invoke: Invoker): Invoker {
    const scopes = this.scopes;
    return async (client, payload, hook) => {
      try {
        return await invoke(client, payload, hook);
      } finally {
        await scopes.dispose(client);
      }
    };
  }

  private forController(type: Function, meta: ClassMetadata): ControllerStages {
    let stages = this.controllers.get(type);
    if (stages === undefined) {
      const connectMethod = Object.entries(meta.handlers).find(([, h]) => h.kind === 'connect')?.[0];
      const own = this.stages(meta.extras);
      stages = {
        ...own,
        connectGuards: [...this.global.guards, ...own.guards],
        connectRef: {
          controller: type,
          method: connectMethod,
          handler: connectMethod === undefined ? undefined : (type.prototype as Record<string, Function>)[connectMethod],
          kind: 'connect',
          event: undefined,
        },
      };
      this.controllers.set(type, stages);
    }
    return stages;
  }

  private stages(extras: Record<string, unknown[] | undefined>): Stages {
    const r = this.resolver;
    return {
      limiters: ((extras[PIPELINE_EXTRAS.rateLimit] ?? []) as RateLimitOptions[]).map((o) => new RateLimiter(o)),
      guards: ((extras[PIPELINE_EXTRAS.guards] ?? []) as GuardLike[]).map((g) => r.guard(g)),
      middleware: ((extras[PIPELINE_EXTRAS.middleware] ?? []) as MiddlewareLike[]).map((m) => r.middleware(m)),
      interceptors: ((extras[PIPELINE_EXTRAS.interceptors] ?? []) as InterceptorLike[]).map((i) => r.interceptor(i)),
      filters: ((extras[PIPELINE_EXTRAS.filters] ?? []) as FilterLike[]).map((f) => resolveFilter(r, f)),
    };
  }
}

function isLastDisconnectHook(descriptor: HandlerDescriptor): boolean {
  // Disconnect hooks run in declaration order, the order of the metadata's entries.
  const names = Object.entries(descriptor.classMetadata.handlers).filter(([, h]) => h.kind === 'disconnect');
  return names[names.length - 1]?.[0] === descriptor.methodName;
}
