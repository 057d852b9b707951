/**
 * @module pipeline/types
 * The shapes of guards, middleware, interceptors, exception filters and rate limits.
 */
import type { WsException } from '../errors/ws-exception';
import type { ExecutionContext } from './execution-context';

/** Decides whether a client may connect (at upgrade) or a message may reach its handler. */
export interface CanActivate {
  /** `false` refuses (403 at connect, `FORBIDDEN` on a message); a thrown `WsException` refuses with its code and status. */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean>;
}

/** Calls the rest of a middleware chain (the later middleware, guards, interceptors and the handler). */
export type Next = () => Promise<void>;

/** A middleware function: code before and after `await next()`; not calling `next` stops the chain. */
export type MiddlewareFn = (ctx: ExecutionContext, next: Next) => Promise<void> | void;

/** A middleware class, resolved from the app's container once. */
export interface WsMiddleware {
  /** Same contract as a `MiddlewareFn`. */
  use(ctx: ExecutionContext, next: Next): Promise<void> | void;
}

/**
 * Runs the handler (and the interceptors inside this one) and resolves with its result. Call it as
 * `next()`, or `next.handle()` as in NestJS (a promise here, not an observable).
 */
export type CallHandler = (() => Promise<unknown>) & { handle(): Promise<unknown> };

/** Sees a handler's result and may replace it (mapping, timing, logging). */
export interface WsInterceptor {
  /** Returns the value to reply with; call `next()` to run the handler. */
  intercept(ctx: ExecutionContext, next: CallHandler): unknown;
}

/** What a filter makes of an error: an error to send, `null` to send nothing, `undefined` to let the next filter decide. */
export type FilterOutcome = WsException | { code: string; message?: string; details?: unknown } | null | undefined | void;

/** Maps a thrown error to the error envelope, or suppresses it. */
export interface WsExceptionFilter {
  /** Runs for errors of the types given to `@Catch(...)` (every error without it). */
  catch(error: unknown, ctx: ExecutionContext): FilterOutcome | Promise<FilterOutcome>;
}

/** Anything with a constructor, as accepted by the `Use*` decorators. */
export type Type<T> = new (...args: never[]) => T;

/** A guard written as a plain function. */
export type GuardFn = (ctx: ExecutionContext) => boolean | Promise<boolean>;
/** A guard: a class resolved from the container, an instance, or a function. */
export type GuardLike = Type<CanActivate> | CanActivate | GuardFn;
/** A middleware: a function, a class with `use()`, or an instance of one. */
export type MiddlewareLike = MiddlewareFn | Type<WsMiddleware> | WsMiddleware;
/** An interceptor: a class resolved from the container, or an instance. */
export type InterceptorLike = Type<WsInterceptor> | WsInterceptor;
/** An exception filter: a class resolved from the container, or an instance. */
export type FilterLike = Type<WsExceptionFilter> | WsExceptionFilter;

/** A token bucket per client: `points` messages, refilled evenly over `perMs`. */
export interface RateLimitOptions {
  /** Bucket size: messages allowed in a burst. */
  points: number;
  /** Time in ms to refill the whole bucket. */
  perMs: number;
  /**
   * A client whose messages are refused this many times in a row ("keeps flooding") is closed with 1008.
   * `0` or `Infinity` never closes. @default 10
   */
  closeAfter?: number | undefined;
}
