/** A raw recovering client for the tests: keeps the session token and the latest offset per log. */
import { connect, urlOf, type Received, type TestSocket } from '../support/ws-test-client';

export interface Session {
  id: string;
  token: string;
  resumed: boolean;
}

/** Offsets a client saw, in the resume request's shape. */
export interface SeenOffsets {
  rooms: Record<string, string>;
  direct?: string;
  broadcast?: string;
}

/** Reads the offsets of every push received so far (the latest per log). */
export function offsetsOf(received: readonly Received[]): SeenOffsets {
  const seen: SeenOffsets = { rooms: {} };
  for (const message of received as Array<Received & { room?: string; offset?: string }>) {
    if (message.offset === undefined) continue;
    if (message.room !== undefined) seen.rooms[message.room] = message.offset;
    else if (message.offset.startsWith('d')) seen.direct = message.offset;
    else if (message.offset.startsWith('b')) seen.broadcast = message.offset;
  }
  return seen;
}

/** The upgrade URL of a resume. */
export function resumeUrl(port: number, path: string, token: string, offsets: SeenOffsets, extra = ''): string {
  return urlOf(port, `${path}?${extra}resume=${encodeURIComponent(token)}&offsets=${encodeURIComponent(JSON.stringify(offsets))}`);
}

/** Connects and waits for the session frame (the first frame). */
export async function open(url: string): Promise<{ socket: TestSocket; session: Session }> {
  const socket = await connect(url);
  const first = await socket.next(undefined, 10_000); // a resume may take seconds on a loaded box
  if (first.event !== 'session') throw new Error(`first frame was ${JSON.stringify(first)}`);
  return { socket, session: first.payload as Session };
}

/** Drops the connection without a closing handshake (as a lost network does: the server sees 1006). */
export async function drop(socket: TestSocket): Promise<void> {
  socket.ws.terminate();
  await socket.closed;
}
