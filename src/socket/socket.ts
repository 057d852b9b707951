/**
 * @module socket/socket
 * One accepted WebSocket as the core sees it, on any runtime. The bottom of the dependency graph:
 * connections write to it, transports implement it.
 */

/** WebSocket ready states, as in the browser API. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/** A frame encoded once by a transport and written as-is to many sockets. */
export interface PreparedFrame {
  /** The text the frame carries (for transports that cannot reuse frames). */
  readonly text: string;
}

/** One accepted WebSocket, as the core sees it. */
export interface TransportSocket {
  readonly readyState: number;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends a text frame. */
  sendText(text: string): void;
  /** Sends a binary frame. */
  sendBinary(data: Uint8Array): void;
  /** Sends a frame prepared by the same transport (`Transport.prepare`). */
  sendPrepared(frame: PreparedFrame): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
  /** Subscribes to a runtime-native topic (transports with a native room fan-out, e.g. Bun). */
  subscribe?(room: string): void;
  /** Leaves a runtime-native topic. */
  unsubscribe?(room: string): void;
  /** Writes out frames held back to leave in one syscall, so `bufferedAmount` counts only what the peer has not taken. */
  flush?(): void;
}
