/**
 * @module pipeline/chain
 * Composes, once per handler, the call that runs the pipeline around it:
 * rate limits -> [filters around] middleware -> guards -> interceptors -> validation and handler.
 */
import type { ConnectionHandle } from '../spi/handles';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { Invoker } from '../spi/extensions';
import { isThenable } from '../util/thenable';
import { ExecutionContext, type HandlerRef } from './execution-context';
import { applyFilters, type ResolvedFilter } from './filters';
import { enforceLimits, type RateLimiter } from './rate-limit';
import type { CallHandler, CanActivate, MiddlewareFn, WsInterceptor } from './types';

/** Everything that applies to one handler, outermost first. */
export interface Stages {
  limiters: RateLimiter[];
  guards: CanActivate[];
  middleware: MiddlewareFn[];
  interceptors: WsInterceptor[];
  filters: ResolvedFilter[];
}

/** The refusal a guard's `false` turns into. */
export function forbidden(): WsException {
  return new WsException(ErrorCodes.FORBIDDEN, 'Forbidden resource', { status: 403 });
}

/** Runs guards in order; rejects with `FORBIDDEN` at the first that says no (or with what it threw). */
export async function runGuards(guards: readonly CanActivate[], ctx: ExecutionContext, from = 0): Promise<void> {
  for (let i = from; i < guards.length; i++) {
    if (!(await (guards[i] as CanActivate).canActivate(ctx))) throw forbidden();
  }
}

/**
 * Like `runGuards`, but stays synchronous while the guards answer synchronously (the common case):
 * returns `true` when all allowed, throws `FORBIDDEN`, or returns a promise from the first async guard on.
 */
export function checkGuards(guards: readonly CanActivate[], ctx: ExecutionContext): true | Promise<void> {
  for (let i = 0; i < guards.length; i++) {
    const verdict = (guards[i] as CanActivate).canActivate(ctx);
    if (isThenable(verdict)) {
      return Promise.resolve(verdict).then((allowed) => {
        if (!allowed) throw forbidden();
        return runGuards(guards, ctx, i + 1);
      });
    }
    if (!verdict) throw forbidden();
  }
  return true;
}

/** Wraps a message or raw handler's invoker; returns it unchanged when no stage applies. */
export function buildChain(ref: HandlerRef, invoke: Invoker, stages: Stages): Invoker {
  const { limiters, guards, middleware, interceptors, filters } = stages;
  const limited: Invoker =
    limiters.length === 0
      ? invoke
      : (client, payload, hook) => (enforceLimits(limiters, client) ? invoke(client, payload, hook) : undefined);
  if (guards.length + middleware.length + interceptors.length + filters.length === 0) return limited;

  // Raw frames arrive in `hook.raw`; message payloads in `payload` (which middleware may replace).
  const isMessage = ref.kind === 'message';

  if (middleware.length + interceptors.length + filters.length === 0) {
    // Guards only: no promise when they answer synchronously, so the reply stays synchronous too.
    return (client: ConnectionHandle, payload, hook) => {
      if (limiters.length > 0 && !enforceLimits(limiters, client)) return undefined;
      const verdict = checkGuards(guards, new ExecutionContext(ref, client, isMessage ? payload : hook?.raw));
      return verdict === true ? invoke(client, payload, hook) : verdict.then(() => invoke(client, payload, hook));
    };
  }

  function intercept(ctx: ExecutionContext, call: () => unknown, index: number): Promise<unknown> {
    if (index === interceptors.length) return new Promise((resolve) => resolve(call()));
    const interceptor = interceptors[index] as WsInterceptor;
    const next = (() => intercept(ctx, call, index + 1)) as CallHandler;
    next.handle = next;
    return new Promise((resolve) => resolve(interceptor.intercept(ctx, next)));
  }

  async function core(ctx: ExecutionContext, call: () => unknown): Promise<void> {
    if (guards.length > 0) await runGuards(guards, ctx);
    ctx.result = interceptors.length === 0 ? await call() : await intercept(ctx, call, 0);
  }

  function run(ctx: ExecutionContext, call: () => unknown, index: number): Promise<void> {
    if (index === middleware.length) return core(ctx, call);
    const fn = middleware[index] as MiddlewareFn;
    let called = false;
    return new Promise<void>((resolve) =>
      resolve(
        fn(ctx, () => {
          if (called) return Promise.reject(new Error('next() called more than once in one middleware'));
          called = true;
          return run(ctx, call, index + 1);
        }),
      ),
    );
  }

  return (client: ConnectionHandle, payload, hook) => {
    if (limiters.length > 0 && !enforceLimits(limiters, client)) return undefined;
    const ctx = new ExecutionContext(ref, client, isMessage ? payload : hook?.raw);
    const call = isMessage ? () => invoke(client, ctx.payload, hook) : () => invoke(client, payload, hook);
    const done = run(ctx, call, 0).then(() => ctx.result);
    return filters.length === 0 ? done : done.catch((error: unknown) => applyFilters(filters, error, ctx));
  };
}
