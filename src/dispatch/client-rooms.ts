/**
 * @module dispatch/client-rooms
 * The built-in `join-room` / `left-room` handlers of controllers with `clientRooms`. They are compiled
 * like `@OnMessage` handlers, with a synthetic descriptor, so every enhancer (guards, rate limits,
 * filters, handler timeout, in-flight count, metrics) wraps them as it wraps the user's handlers.
 */
import type { ClassMetadata, ControllerOptions, HandlerMetadata } from '../metadata/types';
import type { Envelope } from '../protocol/envelope';
import { BuiltInEvents, MAX_ROOM_NAME_LENGTH } from '../protocol/wire';
import type { HandlerDescriptor, Invoker } from '../spi/extensions';
import type { ConnectionHandle } from '../spi/handles';
import { boundText } from '../util/bounded-text';
import { isThenable } from '../util/thenable';
import { withTimeout } from '../util/with-timeout';
import { ErrorCodes, WsException } from '../errors/ws-exception';

/** A built-in handler: its descriptor (for the enhancers), its call, and how it reads its envelope. */
export interface BuiltInHandler {
  readonly descriptor: HandlerDescriptor;
  readonly invoke: Invoker;
  /** The payload the pipeline sees: `{ room }` wherever the client put the room, else the payload as sent. */
  readonly payloadOf: (envelope: Envelope) => unknown;
}

function invalidRoom(constraint: string, message: string): WsException {
  return new WsException(ErrorCodes.VALIDATION_FAILED, 'Payload validation failed', {
    details: [{ property: 'room', constraints: { [constraint]: message } }],
  });
}

function firstRoom(candidates: readonly unknown[]): string | undefined {
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate.length > 0) return candidate;
  return undefined;
}

// The room may come at the top level, as the payload, or as `payload.room`.
function payloadOf(envelope: Envelope): unknown {
  const payload = envelope.payload;
  const room = firstRoom([envelope.room, payload, (payload as { room?: unknown } | null | undefined)?.room]);
  return room === undefined ? payload : { room };
}

function roomIn(payload: unknown): string {
  const room = firstRoom([payload, (payload as { room?: unknown } | null | undefined)?.room]);
  if (room === undefined) throw invalidRoom('isNotEmpty', 'room must be a non-empty string');
  if (room.length > MAX_ROOM_NAME_LENGTH) {
    throw invalidRoom('maxLength', `room must be shorter than or equal to ${MAX_ROOM_NAME_LENGTH} characters`);
  }
  return room;
}

const roomList = (client: ConnectionHandle): string[] => [...client.rooms];

/**
 * The built-in handlers of a controller, or none without `clientRooms`. `policyTimeoutMs` bounds a
 * `clientRooms` function that returns a promise; past it the join answers `HANDLER_TIMEOUT`.
 */
export function clientRoomHandlers(
  controller: Function,
  instance: object,
  classMetadata: ClassMetadata,
  options: ControllerOptions,
  policyTimeoutMs: number,
): BuiltInHandler[] {
  const policy = options.clientRooms;
  if (!policy) return [];

  const join = (client: ConnectionHandle, room: string): Promise<string[]> => client.join(room).then(() => roomList(client));
  const decide = (client: ConnectionHandle, room: string, allowed: unknown): Promise<string[]> => {
    if (!allowed) throw new WsException(ErrorCodes.FORBIDDEN, `Not allowed to join room '${boundText(room)}'`);
    return join(client, room);
  };
  const joinRoom: Invoker = (client, payload) => {
    const room = roomIn(payload);
    if (typeof policy !== 'function') return join(client, room);
    const verdict = policy(client, room);
    if (!isThenable(verdict)) return decide(client, room, verdict);
    const bounded = withTimeout(verdict, policyTimeoutMs, () => {
      throw new WsException(ErrorCodes.HANDLER_TIMEOUT, `The clientRooms policy did not answer within ${policyTimeoutMs} ms`);
    });
    return bounded.then((allowed) => decide(client, room, allowed));
  };
  const leftRoom: Invoker = (client, payload) => client.leave(roomIn(payload)).then(() => roomList(client));

  const handlers: Array<[string, Invoker]> = [
    [BuiltInEvents.JOIN_ROOM, joinRoom],
    [BuiltInEvents.LEFT_ROOM, leftRoom],
  ];
  return handlers.map(([event, invoke]) => {
    const metadata: HandlerMetadata = { kind: 'message', event, params: [], extras: {} };
    // Guards see `ctx.method` as the event name and `ctx.handler` as the built-in function.
    const descriptor: HandlerDescriptor = { controller, instance, methodName: event, handler: invoke, kind: 'message', event, metadata, classMetadata };
    return { descriptor, invoke, payloadOf };
  });
}
