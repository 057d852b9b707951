/**
 * @module decorators/pipeline
 * `@UseGuards`, `@UseMiddleware`, `@UseInterceptors`, `@UseFilters`, `@RateLimit` (on a controller or a
 * handler), `@Catch` (on a filter class) and `@Inject` (a handler parameter from the connection's scope).
 */
import { appendExtra } from '../metadata/reflection';
import { resolveForClient } from '../pipeline/connection-scope';
import type {
  FilterLike,
  GuardLike,
  InterceptorLike,
  MiddlewareLike,
  RateLimitOptions,
} from '../pipeline/types';
import type { ProviderToken } from '../metadata/types';
import { createParamDecorator } from './params';
import { PIPELINE_EXTRAS } from '../metadata/pipeline-extras';

/** A decorator usable on a controller class or on one of its handler methods. */
export type ClassOrMethodDecorator = ClassDecorator & MethodDecorator;

export { PIPELINE_EXTRAS };

function classOrMethod(feature: string, values: unknown[]): ClassOrMethodDecorator {
  return ((target: object, method?: string | symbol) => {
    if (method === undefined) appendExtra(target as Function, undefined, feature, values);
    else appendExtra((target as { constructor: Function }).constructor, method, feature, values);
  }) as ClassOrMethodDecorator;
}

/** Guards that must all allow a connection (controller level) or a message; controller guards run first. */
export function UseGuards(...guards: GuardLike[]): ClassOrMethodDecorator {
  return classOrMethod(PIPELINE_EXTRAS.guards, guards);
}

/** Middleware `(ctx, next) => Promise<void>` (or classes with `use`) around a handler, outermost first. */
export function UseMiddleware(...middleware: MiddlewareLike[]): ClassOrMethodDecorator {
  return classOrMethod(PIPELINE_EXTRAS.middleware, middleware);
}

/** Interceptors that see (and may replace) a handler's result, outermost first. */
export function UseInterceptors(...interceptors: InterceptorLike[]): ClassOrMethodDecorator {
  return classOrMethod(PIPELINE_EXTRAS.interceptors, interceptors);
}

/** Exception filters, tried handler first, then controller, then global; the first to answer wins. */
export function UseFilters(...filters: FilterLike[]): ClassOrMethodDecorator {
  return classOrMethod(PIPELINE_EXTRAS.filters, filters);
}

/**
 * A token bucket per client for this handler (or shared by a controller's handlers); excess messages
 * get `RATE_LIMITED`.
 * @example @RateLimit({ points: 5, perMs: 1000 })
 */
export function RateLimit(options: RateLimitOptions): ClassOrMethodDecorator {
  return classOrMethod(PIPELINE_EXTRAS.rateLimit, [options]);
}

/** Restricts an exception filter class to errors of these types. */
export function Catch(...types: Array<abstract new (...args: never[]) => unknown>): ClassDecorator {
  return (target) => appendExtra(target, undefined, PIPELINE_EXTRAS.catch, types);
}

/**
 * A handler parameter resolved from the connection's own container: connection-scoped providers get one
 * instance per connection; other tokens resolve from the app as usual.
 * @example session(@Inject(Session) session: Session)
 */
export const Inject: (token?: ProviderToken) => ParameterDecorator = createParamDecorator<ProviderToken>(
  (token, ctx) => {
    if (token === undefined) throw new Error('@Inject(token) needs a token');
    return resolveForClient(ctx.client, token);
  },
);
