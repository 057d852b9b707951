/**
 * @module testing/close-codes
 * The close-frame rules `ws` enforces, applied by the in-process transport so that tests fail
 * the same way they would on a real socket.
 */
import { CloseCodes, isSendableCloseCode } from '../protocol/close-codes';

export { isSendableCloseCode };

/** Throws as `ws` does for a close code or reason that cannot go on the wire. */
export function checkClose(code: number | undefined, reason: string | undefined): void {
  // Like ws, a reason without a code is not an error: the frame carries neither.
  if (code === undefined) return;
  if (typeof code !== 'number' || !isSendableCloseCode(code))
    throw new TypeError('First argument must be a valid error code number');
  if (reason !== undefined && Buffer.byteLength(reason) > 123)
    throw new SyntaxError('The message must not be greater than 123 bytes');
}

export { NO_STATUS_RECEIVED, ABNORMAL_CLOSURE } from '../protocol/close-codes';
/** The code a server closes with when a message is larger than its `maxPayload`. */
export const MESSAGE_TOO_BIG = CloseCodes.MESSAGE_TOO_BIG.code;
