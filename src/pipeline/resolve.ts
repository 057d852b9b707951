/**
 * @module pipeline/resolve
 * Turns what the `Use*` decorators and options hold (classes, instances, functions) into ready
 * objects, once at start-up. A class is resolved from the app's container and shared by every use.
 */
import { injectable, type DependencyContainer } from 'tsyringe';
import type { CanActivate, GuardFn, GuardLike, InterceptorLike, MiddlewareFn, MiddlewareLike, WsInterceptor, WsMiddleware } from './types';

type Class = new (...args: never[]) => unknown;
type TsyringeToken = Parameters<DependencyContainer['resolve']>[0];

/** Resolves pipeline classes from one container, each class once. */
export class PipelineResolver {
  private readonly instances = new Map<Function, unknown>();

  constructor(private readonly container: DependencyContainer) {}

  /** An instance of a class: the container's provider if registered, else built with its dependencies. */
  instance<T>(type: Class): T {
    let instance = this.instances.get(type);
    if (instance === undefined) {
      if (!this.container.isRegistered(type as TsyringeToken, true)) {
        // Users may forget @injectable() on a guard; tsyringe needs it to read constructor types.
        injectable()(type as unknown as new (...args: unknown[]) => unknown);
      }
      instance = this.container.resolve(type as TsyringeToken);
      this.instances.set(type, instance);
    }
    return instance as T;
  }

  /** A guard: class, instance, or a plain `(ctx) => boolean` function. */
  guard(like: GuardLike): CanActivate {
    if (typeof like === 'function') {
      if (typeof (like.prototype as Partial<CanActivate> | undefined)?.canActivate === 'function') return this.instance(like as Class);
      return { canActivate: like as GuardFn };
    }
    if (typeof like?.canActivate !== 'function') throw new Error('A guard needs a canActivate(ctx) method');
    return like;
  }

  /** A middleware as a function. */
  middleware(like: MiddlewareLike): MiddlewareFn {
    if (typeof like === 'function') {
      if (typeof (like.prototype as Partial<WsMiddleware> | undefined)?.use !== 'function') return like as MiddlewareFn;
      const instance = this.instance<WsMiddleware>(like as Class);
      return (ctx, next) => instance.use(ctx, next);
    }
    if (typeof like?.use !== 'function') throw new Error('A middleware is a function (ctx, next) or has a use(ctx, next) method');
    return (ctx, next) => like.use(ctx, next);
  }

  /** An interceptor: class or instance. */
  interceptor(like: InterceptorLike): WsInterceptor {
    const instance = typeof like === 'function' ? this.instance<WsInterceptor>(like) : like;
    if (typeof instance?.intercept !== 'function') throw new Error('An interceptor needs an intercept(ctx, next) method');
    return instance;
  }
}
