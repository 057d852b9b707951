/**
 * @module hardening/handler-timeout
 * The enhancer that counts in-flight handler calls (for graceful shutdown) and, when configured,
 * answers a handler that has not settled in time with a `HANDLER_TIMEOUT` error.
 */
import { withTimeout } from '../util/with-timeout';
import type { HandlerDescriptor, InvokerEnhancer } from '../spi/extensions';
import type { Invoker } from '../spi/extensions';
import { isThenable } from '../util/thenable';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { InFlightTracker } from './in-flight';

/** Error code sent when a handler did not settle within its timeout. */
export const HANDLER_TIMEOUT = ErrorCodes.HANDLER_TIMEOUT;

/** A timeout for every handler, or one per handler (return `undefined` or 0 for none). */
export type HandlerTimeout = number | ((handler: HandlerDescriptor) => number | undefined);

/** Rejects with `HANDLER_TIMEOUT` when `promise` has not settled after `ms`; the late result is ignored. */
export function withHandlerTimeout(promise: PromiseLike<unknown>, ms: number, name: string): Promise<unknown> {
  return withTimeout(promise, ms, () => {
    throw new WsException(HANDLER_TIMEOUT, `Handler '${name}' timed out after ${ms} ms`);
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

// A streamed reply (an async generator) gets the handler's timeout until its first item.
function firstItemWithin(source: AsyncIterable<unknown>, ms: number, name: string): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<unknown> {
      const iterator = source[Symbol.asyncIterator]();
      let first = true;
      return {
        next: () => {
          if (!first) return iterator.next();
          first = false;
          return withHandlerTimeout(iterator.next(), ms, name) as Promise<IteratorResult<unknown>>;
        },
        return: (value?: unknown) => (iterator.return !== undefined ? iterator.return(value) : Promise.resolve({ done: true as const, value })),
      };
    },
  };
}

/**
 * Wraps message, raw, disconnect and error handlers (connect hooks have the handshake timeout).
 * Synchronous results pass straight through: the cost on the message path is one call and one check.
 */
export function handlerTimeoutEnhancer(tracker: InFlightTracker, timeout: HandlerTimeout | undefined): InvokerEnhancer {
  return (descriptor, invoke): Invoker => {
    if (descriptor.kind === 'connect') return invoke;
    const ms = typeof timeout === 'function' ? timeout(descriptor) : timeout;
    const name = descriptor.event ?? `${descriptor.controller.name}.${descriptor.methodName}`;
    if (ms === undefined || ms <= 0 || !Number.isFinite(ms)) {
      return (client, payload, hook) => {
        const result = invoke(client, payload, hook);
        if (isThenable(result)) tracker.track(result);
        return result;
      };
    }
    return (client, payload, hook) => {
      const result = invoke(client, payload, hook);
      if (!isThenable(result)) return isAsyncIterable(result) ? firstItemWithin(result, ms, name) : result;
      const bounded = withHandlerTimeout(result, ms, name);
      tracker.track(bounded);
      return bounded;
    };
  };
}
