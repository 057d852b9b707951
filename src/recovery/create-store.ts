/**
 * @module recovery/create-store
 * Picks the recovery store for an app's adapter: the adapter's own (Redis), or the in-memory one,
 * shared by the apps of one InMemoryBus.
 */
import type { Adapter, AdapterHost } from '../adapter/adapter';
import { InMemoryAdapter, type InMemoryBus } from '../adapter/in-memory-adapter';
import { MemoryRecoveryLogs, MemoryRecoveryStore } from './memory-store';
import type { RecoveryCapable, RecoverySettings, RecoveryStore } from './store';

const busLogs = new WeakMap<InMemoryBus, MemoryRecoveryLogs>();

/** Whether an adapter brings its own recovery store. */
export function isRecoveryCapable(adapter: Adapter): adapter is Adapter & RecoveryCapable {
  return typeof (adapter as Partial<RecoveryCapable>).recoveryStore === 'function';
}

/** Throws (before anything starts) when an adapter cannot keep sessions. */
export function assertRecoverySupported(adapter: Adapter): void {
  if (isRecoveryCapable(adapter) || adapter instanceof InMemoryAdapter) return;
  throw new Error('recovery needs an adapter that keeps sessions and logs (InMemoryAdapter, RedisAdapter, or one implementing recoveryStore())');
}

/** The store of one app; throws when its adapter cannot keep sessions. */
export function createRecoveryStore(adapter: Adapter, host: AdapterHost, settings: RecoverySettings): RecoveryStore {
  if (isRecoveryCapable(adapter)) return adapter.recoveryStore(host, settings);
  if (adapter instanceof InMemoryAdapter) {
    let logs = busLogs.get(adapter.bus);
    if (logs === undefined) {
      logs = new MemoryRecoveryLogs(settings);
      busLogs.set(adapter.bus, logs);
    }
    return new MemoryRecoveryStore(logs, host);
  }
  throw new Error('recovery needs an adapter that keeps sessions and logs (InMemoryAdapter, RedisAdapter, or one implementing recoveryStore())');
}
