/**
 * @module testing/errors
 * What the test client rejects with: a refused handshake, and an error reply to a request.
 */

/** `connect()` was refused: by `@OnConnect` (a `WsException` or `false`), a gate, or an unknown path. */
export class ConnectionRefusedError extends Error {
  /** The HTTP status of the refusal (e.g. 401, 403, 404). */
  readonly status: number;
  /** The refusal's code (e.g. `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`). */
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ConnectionRefusedError';
    this.status = status;
    this.code = code;
  }
}

/** The payload of an error envelope. */
export interface ErrorReplyPayload {
  code: string;
  message: string;
  event?: string | undefined;
  details?: unknown | undefined;
}

/** A request was answered with an error envelope. */
export class ErrorReply extends Error {
  /** The error code (e.g. `VALIDATION_FAILED`, or a `WsException`'s code). */
  readonly code: string;
  /** The event the request was about. */
  readonly event?: string | undefined;
  /** Structured details (e.g. the failed validation constraints). */
  readonly details?: unknown | undefined;

  constructor(payload: ErrorReplyPayload) {
    super(payload.message);
    this.name = 'ErrorReply';
    this.code = payload.code;
    this.event = payload.event;
    this.details = payload.details;
  }
}

/** Whether a value looks like an error envelope's payload. */
export function isErrorPayload(value: unknown): value is ErrorReplyPayload {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string';
}
