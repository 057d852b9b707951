/** Hand-made RoomService and ClientService stand-ins for unit tests of the chat controller. */
import type { ClientService, PresenceService, RoomService } from 'ws-controllers';

/** One entry of `rooms.history()`. */
type Logged = { event: string; payload: unknown; offset: string; at: number };

/** A RoomService that records what is sent to which room; `history` is what `rooms.history()` returns. */
export function fakeRoomService(members: Record<string, string[]> = {}) {
  const sent: Array<{ room: string; event: string; payload: unknown }> = [];
  const history: Record<string, Logged[]> = {};
  const service = {
    members: jest.fn(async (room: string) => members[room] ?? []),
    history: jest.fn(async (room: string) => history[room] ?? []),
    to: jest.fn((room: string) => ({
      emit: jest.fn(async (event: string, payload?: unknown) => {
        sent.push({ room, event, payload });
      }),
    })),
  };
  return { rooms: service as unknown as RoomService, sent, members, history };
}

/** A ClientService that knows these connected ids and records broadcasts. */
export function fakeClientService(ids: string[] = []) {
  return { ids: jest.fn(async () => ids), broadcast: jest.fn(async () => {}) } as unknown as ClientService & {
    broadcast: jest.Mock;
  };
}

/** A PresenceService that records tracks, updates and untracks (by client id). */
export function fakePresenceService() {
  const service = {
    track: jest.fn(async () => {}),
    update: jest.fn(async () => true),
    untrack: jest.fn(async () => true),
    sync: jest.fn(async () => {}),
  };
  return service as unknown as PresenceService & { [K in keyof typeof service]: jest.Mock };
}
