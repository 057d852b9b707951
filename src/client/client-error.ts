/**
 * @module client/client-error
 * The error every client promise rejects with: the server's `code`/`message`/`details`, or a local
 * code (`TIMEOUT`, `DISCONNECTED`, `CLOSED`, or a refused handshake's code with its HTTP `status`).
 */

/** Codes the client itself produces. */
export const ClientErrorCodes = {
  /** No reply arrived within `timeoutMs`. */
  TIMEOUT: 'TIMEOUT',
  /** The connection dropped while the request was in flight. */
  DISCONNECTED: 'DISCONNECTED',
  /** The client was closed (by `close()`, or for good after the last reconnect attempt). */
  CLOSED: 'CLOSED',
  /** A stream was cancelled through its `AbortSignal`. */
  ABORTED: 'ABORTED',
  /** The connection could not be opened (network error; browsers cannot see more). */
  CONNECT_FAILED: 'CONNECT_FAILED',
} as const;

/** Options of a `ClientError`. */
export interface ClientErrorInit {
  /** The event the error is about. */
  event?: string | undefined;
  /** Structured details sent by the server (e.g. validation failures). */
  details?: unknown | undefined;
  /** HTTP status of a refused handshake. */
  status?: number | undefined;
}

/** An error from the server (by its wire code) or from the client itself. */
export class ClientError extends Error {
  /** Machine-readable code, e.g. `VALIDATION_FAILED` or `TIMEOUT`. */
  readonly code: string;
  /** The event the error is about, when known. */
  readonly event?: string | undefined;
  /** Structured details from the server. */
  readonly details?: unknown | undefined;
  /** HTTP status, for a refused handshake (Node only: browsers do not expose it). */
  readonly status?: number | undefined;

  constructor(code: string, message: string, init: ClientErrorInit = {}) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    if (init.event !== undefined) this.event = init.event;
    if (init.details !== undefined) this.details = init.details;
    if (init.status !== undefined) this.status = init.status;
  }
}
