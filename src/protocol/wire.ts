/**
 * @module protocol/wire
 * The wire protocol, defined once for the server and `ws-controllers/client`: the envelope, the error
 * payload, the error codes the framework sends and the event names it reserves. No runtime imports.
 */

/** A parsed message envelope: `{"event", "payload"?, "id"?}`. */
export interface Envelope {
  event: string;
  payload?: unknown | undefined;
  id?: string | number | undefined;
  /** Other top-level fields (e.g. `room` of the client-room messages). */
  [field: string]: unknown;
}

/** The payload of an `error` envelope: `{code, message, event?, details?}`. */
export interface WireError {
  code: string;
  message: string;
  event?: string | undefined;
  details?: unknown | undefined;
}

/** Error codes the framework itself sends. */
export const ErrorCodes = {
  BAD_MESSAGE: 'BAD_MESSAGE',
  UNKNOWN_EVENT: 'UNKNOWN_EVENT',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  FORBIDDEN: 'FORBIDDEN',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_FOUND: 'NOT_FOUND',
  /** A handler did not settle within `handlerTimeoutMs`. */
  HANDLER_TIMEOUT: 'HANDLER_TIMEOUT',
  /** A payload broke `maxPayloadDepth`, `maxPayloadKeys` or `maxArrayLength` (checked before validation). */
  PAYLOAD_TOO_COMPLEX: 'PAYLOAD_TOO_COMPLEX',
  /** A client asked for more than 64 streamed replies at a time on one connection. */
  STREAM_LIMIT: 'STREAM_LIMIT',
  /** A join would put a client in more than `maxRoomsPerClient` rooms. */
  ROOM_LIMIT: 'ROOM_LIMIT',
  /** A presence track or update broke `presence.maxMetaBytes` or `presence.maxEntriesPerRoom`. */
  PRESENCE_LIMIT: 'PRESENCE_LIMIT',
} as const;

/** Longest event name accepted (in UTF-16 code units); a longer one is `BAD_MESSAGE`. */
export const MAX_EVENT_NAME_LENGTH = 256;

/** Longest room name a client may ask for in `join-room` / `left-room`; a longer one is `VALIDATION_FAILED`. */
export const MAX_ROOM_NAME_LENGTH = 256;

/** Event names the protocol reserves. */
export const BuiltInEvents = {
  /** Server → client: an error, answering the request with the same `id` when there is one. */
  ERROR: 'error',
  /** Client → server: join a room (controllers with `clientRooms`); the reply is the room list. */
  JOIN_ROOM: 'join-room',
  /** Client → server: leave a room; the reply is the room list. */
  LEFT_ROOM: 'left-room',
} as const;
