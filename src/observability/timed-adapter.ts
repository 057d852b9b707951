/**
 * @module observability/timed-adapter
 * Measures the round-trip time of every scale-out adapter operation, by wrapping the adapter the
 * hub talks to. Used only when metrics are on.
 */
import { performance } from 'node:perf_hooks';
import type { Adapter } from '../adapter/adapter';
import { DurationBuckets } from './duration-buckets';

/** The adapter operations that cross to the cluster. */
export const TIMED_OPERATIONS = [
  'clientConnected',
  'clientDisconnected',
  'joined',
  'left',
  'publish',
  'sendRemote',
  'disconnectRemote',
  'joinRemote',
  'leaveRemote',
  'members',
  'roomsOf',
  'ids',
  'count',
] as const;

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Returns a view of `adapter` that times each operation into `times` (by operation name).
 * Every other member is the adapter's own, with methods bound to it (private fields keep working).
 */
export function timeAdapter(
  adapter: Adapter,
  times: Map<string, DurationBuckets>,
  bounds: readonly number[],
): Adapter {
  const members = new Map<PropertyKey, unknown>();
  const target = adapter as unknown as Record<PropertyKey, unknown>;
  for (const op of TIMED_OPERATIONS) {
    const buckets = new DurationBuckets(bounds);
    times.set(op, buckets);
    const method = target[op] as AsyncMethod;
    members.set(op, (...args: unknown[]) => {
      const start = performance.now();
      const done = (): void => buckets.observe((performance.now() - start) / 1000);
      const result = method.apply(adapter, args);
      result.then(done, done);
      return result;
    });
  }
  return new Proxy(adapter, {
    get(object, key) {
      const own = members.get(key);
      if (own !== undefined) return own;
      const value = (object as unknown as Record<PropertyKey, unknown>)[key];
      if (typeof value !== 'function') return value;
      const bound = (value as AsyncMethod).bind(object);
      members.set(key, bound);
      return bound;
    },
  });
}
