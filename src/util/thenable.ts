/**
 * @module util/thenable
 * The one promise test of the code base (a cheap structural check, as `await` does it).
 */

/** Whether a value is a promise or any object with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * A promise already fulfilled with `undefined`, handed out by framework calls that finished their
 * work synchronously (an in-memory join, a node-local adapter's bookkeeping). Code that gets it back
 * may go on at once instead of awaiting it: an upgrade whose `@OnConnect` returns `client.join(room)`
 * then completes in the same tick, with no promise, timer or microtask of its own.
 */
export const SETTLED: Promise<void> = Promise.resolve();
