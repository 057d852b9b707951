/**
 * @module util/with-timeout
 * The one timeout race of the code base: settle like a promise, or with a fallback after a delay.
 */

/**
 * Settles like `promise`, or, if it has not settled after `ms`, with what `onTimeout()` returns (a
 * throw becomes the rejection). The timer is cleared as soon as either side wins, so it never keeps
 * the process alive past the race; a late result of `promise` is ignored. A non-finite or negative
 * `ms` means no timeout.
 */
export function withTimeout<T, U>(promise: PromiseLike<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  if (!Number.isFinite(ms)) return Promise.resolve(promise);
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
