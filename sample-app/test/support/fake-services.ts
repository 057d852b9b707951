/** Hand-made RoomService and ClientService stand-ins for unit tests of the chat controller. */
import type { ClientService, RoomService } from 'ws-controllers';

/** A RoomService that records what is sent to which room. */
export function fakeRoomService(members: Record<string, string[]> = {}) {
  const sent: Array<{ room: string; event: string; payload: unknown }> = [];
  const service = {
    members: jest.fn(async (room: string) => members[room] ?? []),
    to: jest.fn((room: string) => ({
      emit: jest.fn(async (event: string, payload?: unknown) => {
        sent.push({ room, event, payload });
      }),
    })),
  };
  return { rooms: service as unknown as RoomService, sent, members };
}

/** A ClientService that knows these connected ids. */
export function fakeClientService(ids: string[] = []): ClientService {
  return { ids: jest.fn(async () => ids) } as unknown as ClientService;
}
