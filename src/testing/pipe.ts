/**
 * @module testing/pipe
 * What a test client needs from the socket under it, so one client works in-process and over `ws`.
 */

/** Receives what arrives on a client's socket. */
export interface PipeListener {
  /** A frame from the server (text as a string, binary as a Buffer). */
  frame(data: string | Buffer, isBinary: boolean): void;
  /** The connection closed (after the closing handshake, or 1006 when dropped). */
  closed(code: number, reason: string): void;
}

/** The client end of a connection. */
export interface ClientPipe {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends a text or binary frame. */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake. Throws on a code a WebSocket may not send (as `ws` does). */
  close(code?: number, reason?: string): void;
}
