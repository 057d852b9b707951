/**
 * @module client/backoff
 * Reconnect policy: exponential backoff with jitter.
 */

/** Reconnect settings; every field has a default. */
export interface ReconnectOptions {
  /** Delay before the first retry. @default 500 */
  initialDelayMs?: number | undefined;
  /** Upper bound of any delay. @default 10000 */
  maxDelayMs?: number | undefined;
  /** Growth factor per attempt. @default 2 */
  factor?: number | undefined;
  /** Fraction of each delay that is randomized (0 = none, 1 = anywhere in [0, delay]). @default 0.5 */
  jitter?: number | undefined;
  /** Attempts before giving up (status `closed`). @default Infinity */
  maxRetries?: number | undefined;
}

/** A resolved policy. */
export type ReconnectPolicy = { [K in keyof ReconnectOptions]-?: Exclude<ReconnectOptions[K], undefined> };

/** Fills in the defaults; `false` disables reconnecting. */
export function reconnectPolicy(option: boolean | ReconnectOptions | undefined, enabledByDefault: boolean): ReconnectPolicy | undefined {
  const enabled = option === undefined ? enabledByDefault : option !== false;
  if (!enabled) return undefined;
  const given = typeof option === 'object' ? option : {};
  return {
    initialDelayMs: given.initialDelayMs ?? 500,
    maxDelayMs: given.maxDelayMs ?? 10_000,
    factor: given.factor ?? 2,
    jitter: Math.min(1, Math.max(0, given.jitter ?? 0.5)),
    maxRetries: given.maxRetries ?? Infinity,
  };
}

/**
 * Delay before retry number `attempt` (0-based): `initial * factor^attempt`, capped, minus a random
 * share of up to `jitter` of it, so that clients dropped together do not all come back together.
 */
export function backoffDelay(policy: ReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, attempt));
  return Math.round(base * (1 - policy.jitter * random()));
}
