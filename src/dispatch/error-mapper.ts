/**
 * @module dispatch/error-mapper
 * Turns anything thrown by a handler into the wire error: WsExceptions keep their code, message and
 * details; everything else becomes INTERNAL_ERROR with nothing leaked.
 */
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { WireError } from '../protocol/envelope';

/** The client-visible form of an error. */
export function toWireError(error: unknown, event?: string): WireError {
  if (error instanceof WsException) {
    return { code: error.code, message: error.message, event, details: error.details };
  }
  return { code: ErrorCodes.INTERNAL_ERROR, message: 'Internal server error', event };
}

/** Whether an error is one the framework must log (it is not meant for the client). */
export function isUnexpected(error: unknown): boolean {
  return !(error instanceof WsException);
}
