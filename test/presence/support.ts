/** Helpers for the presence suites: sockets on `/presence` with their ids, and the presence frames they got. */
import type { PresenceEntry } from 'ws-controllers';
import { connect, urlOf, type Received, type TestSocket } from '../support/ws-test-client';

/** A test socket with its client id. */
export type PresenceSocket = TestSocket & { id: string };

/** Opens `/presence` on `port` (with an optional query string) and asks its id. */
export async function openPresence(port: number, sockets: TestSocket[], query = ''): Promise<PresenceSocket> {
  const socket = await connect(urlOf(port, `/presence${query}`));
  sockets.push(socket);
  const id = (await socket.request('whoami')).payload as string;
  return Object.assign(socket, { id });
}

/** A presence-diff payload. */
export interface Diff {
  room: string;
  joins: PresenceEntry[];
  leaves: PresenceEntry[];
}

/** Every presence-diff a socket received so far (optionally for one room). */
export function diffsOf(socket: TestSocket, room?: string): Diff[] {
  return socket.received
    .filter((m: Received) => m.event === 'presence-diff')
    .map((m) => m.payload as Diff)
    .filter((d) => room === undefined || d.room === room);
}

/** Waits for the next presence-diff of a room. */
export async function nextDiff(socket: TestSocket, room: string, timeoutMs = 5000): Promise<Diff> {
  for (;;) {
    const message = await socket.next('presence-diff', timeoutMs);
    const diff = message.payload as Diff;
    if (diff.room === room) return diff;
  }
}

/** Client ids of a list of entries, sorted. */
export function idsOf(entries: readonly PresenceEntry[]): string[] {
  return entries.map((e) => e.clientId).sort();
}

/** Polls until `condition` holds; throws after `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
