/**
 * @module recovery/options
 * The `recovery` option of `bootstrap()`, checked and given its defaults.
 */
import type { RecoverySettings } from './store';

/** Session recovery: sessions resumable this long after a drop, with this much retained per log. */
export interface RecoveryOptions {
  /** How long a dropped session stays resumable, in ms. @default 120000 */
  windowMs?: number | undefined;
  /** Pushes retained per room (and per client, and for broadcasts); a client that missed more is not resumed. @default 1000 */
  maxPerRoom?: number | undefined;
  /** A room log with no push for this long is dropped (its history with it), in ms. @default 86400000 (24 h) */
  historyTtlMs?: number | undefined;
}

export const DEFAULT_RECOVERY: RecoverySettings = { windowMs: 120_000, maxPerRoom: 1_000, historyTtlMs: 86_400_000 };

/** Resolves `recovery: true | {...}`; undefined when off. Throws a `TypeError` on a bad value. */
export function resolveRecovery(option: boolean | RecoveryOptions | undefined): RecoverySettings | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { ...DEFAULT_RECOVERY };
  const settings: RecoverySettings = {
    windowMs: option.windowMs ?? DEFAULT_RECOVERY.windowMs,
    maxPerRoom: option.maxPerRoom ?? DEFAULT_RECOVERY.maxPerRoom,
    historyTtlMs: option.historyTtlMs ?? DEFAULT_RECOVERY.historyTtlMs,
  };
  check('windowMs', settings.windowMs, 1, 86_400_000);
  check('maxPerRoom', settings.maxPerRoom, 1, 1_000_000);
  check('historyTtlMs', settings.historyTtlMs, 1, 365 * 86_400_000);
  if (settings.historyTtlMs < settings.windowMs) settings.historyTtlMs = settings.windowMs; // a log must outlive a session
  return settings;
}

function check(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`recovery.${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
