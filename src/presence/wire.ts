/**
 * @module presence/wire
 * The event names presence frames carry (server to client only; a client cannot send them).
 */

/** Presence frames: `presence-state` (a room's full list, after a track) and `presence-diff` (changes). */
export const PresenceEvents = {
  /** `{"room","members":[{clientId,meta,since}]}`: sent to a client right after it is tracked. */
  STATE: 'presence-state',
  /** `{"room","joins":[...],"leaves":[...]}`: at most one per room per `diffIntervalMs`; apply leaves, then joins. */
  DIFF: 'presence-diff',
} as const;
