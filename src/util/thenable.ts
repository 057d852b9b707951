/**
 * @module util/thenable
 * The one promise test of the code base (a cheap structural check, as `await` does it).
 */

/** Whether a value is a promise or any object with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
