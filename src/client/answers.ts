/**
 * @module client/answers
 * The client's side of server requests: `client.handle(event, fn)` registers what answers a frame
 * carrying an `ack`; the answer (or the error) goes back as `{"ack", "payload"}` / `{"ack", "error"}`.
 */
import { ErrorCodes } from '../protocol/wire';

/** Answers a server request: the returned (or resolved) value is sent back; a throw is sent as an error. */
export type RequestHandler = (payload: never) => unknown;

/** `{"ack", "payload"?}` (an undefined answer is left out). */
function answerFrame(ack: number, payload: unknown): string {
  return JSON.stringify({ ack, payload });
}

function errorFrame(ack: number, error: unknown): string {
  const body = error !== null && typeof error === 'object' ? (error as { code?: unknown; message?: unknown }) : {};
  const code = typeof body.code === 'string' ? body.code : ErrorCodes.INTERNAL_ERROR;
  const message = typeof body.message === 'string' ? body.message : String(error);
  return JSON.stringify({ ack, error: { code, message } });
}

/** The handlers of one client, by event. */
export class Answers {
  private readonly handlers = new Map<string, (payload: unknown) => unknown>();

  /** Sets the handler of `event` (replacing any); returns a function removing it. */
  set(event: string, fn: (payload: unknown) => unknown): () => void {
    this.handlers.set(event, fn);
    return () => {
      if (this.handlers.get(event) === fn) this.handlers.delete(event);
    };
  }

  /** Answers the server request `ack` through `send` (which may drop it when the socket is gone). */
  run(event: string, payload: unknown, ack: number, send: (frame: string) => void): void {
    const fn = this.handlers.get(event);
    if (fn === undefined) {
      send(JSON.stringify({ ack, error: { code: ErrorCodes.UNKNOWN_EVENT, message: `No handler for '${event}'` } }));
      return;
    }
    let result: unknown;
    try {
      result = fn(payload);
    } catch (error) {
      return send(errorFrame(ack, error));
    }
    Promise.resolve(result).then(
      (value) => {
        let frame: string;
        try {
          frame = answerFrame(ack, value);
        } catch (error) {
          frame = errorFrame(ack, error); // e.g. a circular value
        }
        send(frame);
      },
      (error: unknown) => send(errorFrame(ack, error)),
    );
  }
}
