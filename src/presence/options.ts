/**
 * @module presence/options
 * `bootstrap({ presence })`: how often diffs go out and how much presence may hold.
 */

/** Options of presence (`bootstrap(module, { presence })`). */
export interface PresenceOptions {
  /** A room's members get at most one `presence-diff` per this many ms (changes meanwhile are merged). @default 100 */
  diffIntervalMs?: number | undefined;
  /** Largest meta of one entry, as JSON text in UTF-8 bytes; a larger one is refused with `PRESENCE_LIMIT`. @default 1024 */
  maxMetaBytes?: number | undefined;
  /** Most entries one room may hold, cluster-wide; a track past it is refused with `PRESENCE_LIMIT`. @default 10000 */
  maxEntriesPerRoom?: number | undefined;
}

/** Presence options with defaults applied. */
export interface ResolvedPresenceOptions {
  diffIntervalMs: number;
  maxMetaBytes: number;
  maxEntriesPerRoom: number;
}

/** Applies defaults; a value that is not a non-negative number (positive for the limits) is a `TypeError`. */
export function resolvePresenceOptions(options: PresenceOptions = {}): ResolvedPresenceOptions {
  const diffIntervalMs = options.diffIntervalMs ?? 100;
  const maxMetaBytes = options.maxMetaBytes ?? 1024;
  const maxEntriesPerRoom = options.maxEntriesPerRoom ?? 10_000;
  // A timer's longest delay: past it Node fires at once (a warning, then every change unbatched).
  if (!Number.isFinite(diffIntervalMs) || diffIntervalMs < 0 || diffIntervalMs > 2 ** 31 - 1)
    throw new TypeError(`presence.diffIntervalMs must be a number of ms from 0 to 2^31-1 (got ${String(diffIntervalMs)})`);
  if (!Number.isInteger(maxMetaBytes) || maxMetaBytes < 1)
    throw new TypeError(`presence.maxMetaBytes must be a positive integer (got ${String(maxMetaBytes)})`);
  if (!(Number.isInteger(maxEntriesPerRoom) || maxEntriesPerRoom === Number.POSITIVE_INFINITY) || maxEntriesPerRoom < 1)
    throw new TypeError(`presence.maxEntriesPerRoom must be a positive integer (got ${String(maxEntriesPerRoom)})`);
  return { diffIntervalMs, maxMetaBytes, maxEntriesPerRoom };
}
