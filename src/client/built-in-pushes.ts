/**
 * @module client/built-in-pushes
 * Pushes the framework itself sends: `session` (session recovery) and the presence frames. Types
 * and the checks that tell them from an app's push of the same name.
 */

/** The built-in push event names. */
export const BuiltInPushEvents = {
  SESSION: 'session',
  PRESENCE_STATE: 'presence-state',
  PRESENCE_DIFF: 'presence-diff',
} as const;

/** The payload of a `session` frame (the first frame of a connection with `recovery` on). */
export interface SessionFrame {
  /** The client id. */
  id: string;
  /** The secret a reconnect presents to resume (it changes at every connect). */
  token: string;
  /** Whether this connection resumed the previous session (same id, rooms and missed pushes). */
  resumed: boolean;
}

/** What `onSession` listeners receive. */
export interface SessionInfo {
  /** The client id (the same as before when `resumed`). */
  id: string;
  /** `true`: the session went on, nothing was missed; `false`: a fresh session (re-join rooms). */
  resumed: boolean;
}

/** One client present in a room, as `PresenceService.track(client, room, meta)` made it. */
export interface PresenceMember<M = unknown> {
  clientId: string;
  meta: M;
  /** When it was tracked (ms since the epoch); an update keeps it. */
  since: number;
}

/** The payload of a `presence-state` frame: a room's full member list. */
export interface PresenceState<M = unknown> {
  room: string;
  members: Array<PresenceMember<M>>;
}

/** The payload of a `presence-diff` frame: leaves apply before joins (an update is both). */
export interface PresenceDiff<M = unknown> {
  room: string;
  joins: Array<PresenceMember<M>>;
  leaves: Array<PresenceMember<M>>;
}

/** The built-in pushes `on()` accepts besides the declared ones. */
export interface BuiltInPushes {
  session: SessionFrame;
  'presence-state': PresenceState;
  'presence-diff': PresenceDiff;
}

/**
 * The presence frames typed with a meta, to add to a push map: `connect<Events, Pushes & PresencePushes<Meta>>`
 * types their listeners and makes `Meta` the default meta of `presence(room)`.
 */
export interface PresencePushes<M> {
  'presence-state': PresenceState<M>;
  'presence-diff': PresenceDiff<M>;
}

/** The meta a push map declares for presence (see `PresencePushes`), else `unknown`. */
export type PresenceMetaOf<P> = P extends { 'presence-state': PresenceState<infer M> } ? M : unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether a payload is a `session` frame's (an app may push its own `session` with another shape). */
export function isSessionFrame(payload: unknown): payload is SessionFrame {
  return isObject(payload) && typeof payload.id === 'string' && typeof payload.token === 'string' && typeof payload.resumed === 'boolean';
}

/** The members of a presence list, or undefined when it is not one. */
export function memberList(list: unknown): PresenceMember[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const members: PresenceMember[] = [];
  for (const item of list) {
    if (isObject(item) && typeof item.clientId === 'string') {
      members.push({ clientId: item.clientId, meta: item.meta, since: typeof item.since === 'number' ? item.since : 0 });
    }
  }
  return members;
}

/** The room a presence payload is about, or undefined when it is no presence payload. */
export function presenceRoom(payload: unknown): string | undefined {
  return isObject(payload) && typeof payload.room === 'string' ? payload.room : undefined;
}
