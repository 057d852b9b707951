/**
 * @module protocol/close-codes
 * Every close code and reason the server decides, in one table (RFC 6455 section 7.4).
 */

/** A close frame the server sends: its code and reason. */
export interface CloseFrame {
  readonly code: number;
  readonly reason: string;
}

/** The closes the framework itself decides. */
export const CloseCodes = {
  /** `client.close()` / `ClientService.disconnect()` without a code. */
  NORMAL: { code: 1000, reason: '' },
  /** `app.close()`: every client is told the server goes away. */
  SHUTDOWN: { code: 1001, reason: 'Server shutting down' },
  /** A client over its rate limit `closeAfter` times in a row. */
  RATE_LIMIT: { code: 1008, reason: 'Rate limit exceeded' },
  /** More pings than `maxPingsPer10s`. */
  PING_FLOOD: { code: 1008, reason: 'Too many pings' },
  /** Closed from the admin view. */
  ADMIN_DISCONNECT: { code: 1008, reason: 'Disconnected by admin' },
  /** A message larger than `maxPayload` (sent by the transport). */
  MESSAGE_TOO_BIG: { code: 1009, reason: 'Message too big' },
  /** Closed by the memory budget: the biggest unfinished incoming message (`memoryBudgetBytes`). */
  MEMORY_BUDGET_MESSAGE: { code: 1009, reason: 'Unfinished message over the memory budget' },
  /** Closed by the memory budget: the biggest send buffer (`memoryBudgetBytes`). */
  MEMORY_BUDGET_SEND: { code: 1008, reason: 'Send buffer over the memory budget' },
  /** More than `maxBufferedBytes` queued: a reader that cannot keep up. */
  SLOW_CONSUMER: { code: 1013, reason: 'Slow consumer' },
} as const satisfies Record<string, CloseFrame>;

/** The code a peer sees for a close frame sent without one. */
export const NO_STATUS_RECEIVED = 1005;
/** The code both ends see when a connection is dropped without a closing handshake. */
export const ABNORMAL_CLOSURE = 1006;

/** Whether a status code may be sent in a close frame (RFC 6455 7.4, as `ws` checks it). */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}
