/**
 * @module errors/ws-exception
 * The one error type whose code, message and details reach the client.
 */

/** Options of a `WsException`. */
export interface WsExceptionOptions {
  /** HTTP status used when thrown at connect. @default 403 */
  status?: number | undefined;
  /** Structured details sent to the client. */
  details?: unknown | undefined;
}

/** An error meant for the client: its `code`, `message` and `details` go on the wire. */
export class WsException extends Error {
  /** Machine-readable code, e.g. `UNAUTHORIZED`. */
  readonly code: string;
  /** HTTP status when refusing a handshake. */
  readonly status: number;
  /** Optional structured details. */
  readonly details?: unknown | undefined;

  constructor(code: string, message: string = code, options: WsExceptionOptions = {}) {
    super(message);
    this.name = 'WsException';
    this.code = code;
    this.status = options.status ?? 403;
    this.details = options.details;
  }
}

export { ErrorCodes } from '../protocol/wire';
