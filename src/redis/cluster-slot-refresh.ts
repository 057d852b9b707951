/**
 * @module redis/cluster-slot-refresh
 * The one place that touches node-redis internals: its cluster client's slot map re-read
 * (`_slots.rediscover`, node-redis 5 and 6), which it only runs itself on a MOVED reply, and a dead
 * master never sends one. Probed once per client; without it the driver falls back to public API
 * (a fresh cluster client, swapped in once its slot map differs).
 */

/** A cluster client's master, as its public `masters` getter lists it. */
export interface ClusterMasterInfo {
  host: string;
  port: number;
}

/** Re-reads a cluster client's slot map in place. */
export type SlotMapRefresh = (from: ClusterMasterInfo) => Promise<void>;

interface Internals {
  _slots?: { rediscover?: unknown };
}

/**
 * The client's in-place slot map re-read, or undefined when this node-redis has no usable one (a
 * version that renamed it: the caller then uses the public fallback).
 */
export function probeSlotRefresh(client: object): SlotMapRefresh | undefined {
  const slots = (client as Internals)._slots;
  const rediscover = slots?.rediscover;
  if (typeof rediscover !== 'function' || rediscover.length !== 1) return undefined;
  // `rediscover(startWith)` reads `startWith.options`, a node's client options (defaults merged in).
  return (from) =>
    (rediscover as (start: { options: object }) => Promise<unknown>).call(slots, {
      options: { socket: { host: from.host, port: from.port } },
    }) as Promise<void>;
}

/** The masters' addresses, sorted and joined: changes when a replica was promoted. */
export function mastersKey(masters: ReadonlyArray<ClusterMasterInfo> | undefined): string {
  return (masters ?? [])
    .map((master) => `${master.host}:${master.port}`)
    .sort()
    .join(',');
}
