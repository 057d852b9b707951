/**
 * @module client/open-socket
 * Opens one socket and reports what the client acts on: open, text frames, and the close (with
 * whether it had opened and the refusal a runtime probe read, if any).
 */
import { ClientError } from './client-error';
import type { SocketConstructor, SocketLike, SocketProbe } from './socket-like';

/** What one socket reports. */
export interface SocketEvents {
  open(socket: SocketLike): void;
  text(socket: SocketLike, data: string): void;
  close(socket: SocketLike, wasOpen: boolean, code: number, refusal: ClientError | undefined): void;
}

/** An opened socket and a promise that settles when it closed. */
export interface OpenedSocket {
  socket: SocketLike;
  closed: Promise<void>;
}

/** Creates the socket (throws what the constructor throws) and wires its handlers to `events`. */
export function openSocket(
  Ctor: SocketConstructor,
  url: string,
  protocols: string | string[] | undefined,
  probe: SocketProbe | undefined,
  events: SocketEvents,
): OpenedSocket {
  const socket = new Ctor(url, protocols);
  let refusal: ClientError | undefined;
  let opened = false;
  probe?.(socket, (status, body) => {
    refusal = new ClientError(body.code ?? `HTTP_${status}`, body.message ?? `Handshake refused with HTTP ${status}`, { status });
  });
  const closed = new Promise<void>((settle) => {
    socket.onclose = (event) => {
      settle();
      events.close(socket, opened, event.code, refusal);
    };
  });
  socket.onerror = () => undefined; // a close event always follows; it carries what we act on
  socket.onopen = () => {
    opened = true;
    events.open(socket);
  };
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') events.text(socket, event.data);
  };
  return { socket, closed };
}
