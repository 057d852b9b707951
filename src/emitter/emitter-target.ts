/**
 * @module emitter/emitter-target
 * `emitter.to(rooms)`: rooms to broadcast to from a process without sockets, minus some clients.
 */
import type { BroadcastPacket } from '../adapter/adapter';
import { encodeMessage } from '../protocol/envelope';

/** Sends one packet to every node (what an emitter's target hands its packets to). */
export type PacketPublisher = (operation: string, packet: BroadcastPacket) => Promise<void>;

/** A set of rooms to send to, minus some clients (like `RoomService.to`). */
export class EmitterTarget {
  /** @internal */
  constructor(
    private readonly publish: PacketPublisher,
    private readonly rooms: readonly string[],
    private readonly excluded: readonly string[] = [],
  ) {}

  /** Leaves out one or more client ids. */
  except(clientIds: string | readonly string[]): EmitterTarget {
    const more = typeof clientIds === 'string' ? [clientIds] : [...clientIds];
    return new EmitterTarget(this.publish, this.rooms, [...this.excluded, ...more]);
  }

  /**
   * Sends `{"event", "payload"}` once to every member of any of the rooms, on every node. Resolves
   * once Redis took it (delivery is at most once, as for a node's broadcast).
   */
  async emit(event: string, payload?: unknown): Promise<void> {
    assertEvent(event);
    const packet: BroadcastPacket = { data: encodeMessage(event, payload), rooms: this.rooms };
    if (this.excluded.length > 0) packet.except = this.excluded;
    return this.publish('emit', packet);
  }
}

/** Throws a TypeError unless `event` is a non-empty string. */
export function assertEvent(event: unknown): asserts event is string {
  if (typeof event !== 'string' || event.length === 0)
    throw new TypeError('An event name must be a non-empty string');
}

/** Throws a TypeError unless `room` is a non-empty string (as `RoomService` does). */
export function assertRoomName(room: unknown): asserts room is string {
  if (typeof room !== 'string' || room.length === 0)
    throw new TypeError('A room name must be a non-empty string');
}
