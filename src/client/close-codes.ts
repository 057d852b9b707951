/**
 * @module client/close-codes
 * Which ends of a connection are worth a reconnect attempt.
 */

/**
 * Server close codes after which coming back is pointless: a normal close, a policy violation, or an
 * application decision (4000-4999, e.g. kicked).
 */
export const isFinalClose = (code: number): boolean => code === 1000 || code === 1008 || (code >= 4000 && code < 5000);

/** Refused handshakes worth retrying: timeouts, rate limits and server-side trouble. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;
