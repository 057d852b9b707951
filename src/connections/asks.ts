/**
 * @module connections/asks
 * Requests the server sends to one client (`client.request()`): their `ack` numbers, timers and
 * settlement. Acks are chosen here, per connection, in their own wire field, so they never meet the
 * client's own request ids.
 */
import { ErrorCodes, WsException } from '../errors/ws-exception';
import type { ServerRequestOptions } from '../socket/ws-client';

export type { ServerRequestOptions };

/** Codes a server request rejects with, besides the client's own error codes. */
export const ServerRequestErrors = {
  /** No answer within `timeoutMs`. */
  TIMEOUT: 'TIMEOUT',
  /** The client disconnected (or was never connected) before answering. */
  DISCONNECTED: 'DISCONNECTED',
} as const;

interface Ask {
  event: string;
  resolve: (value: unknown) => void;
  reject: (error: WsException) => void;
  timer: ReturnType<typeof setTimeout>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Checks `options.timeoutMs`; a missing or invalid one is a `TypeError` (thrown synchronously). */
export function checkRequestTimeout(options: ServerRequestOptions | undefined): number {
  const ms = options?.timeoutMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new TypeError('request() needs { timeoutMs }: a positive number of milliseconds (at most 2147483647)');
  }
  return ms;
}

/** The pending server requests of one connection. */
export class Asks {
  private readonly pending = new Map<number, Ask>();
  private next = 1;

  /** Number of requests waiting for an answer. */
  get size(): number {
    return this.pending.size;
  }

  /** Registers a request; `send(ack)` writes its frame. Resolves with the answer or rejects. */
  start(event: string, timeoutMs: number, send: (ack: number) => void): Promise<unknown> {
    const ack = this.next++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ack);
        reject(new WsException(ServerRequestErrors.TIMEOUT, `No answer to '${event}' within ${timeoutMs} ms`, { status: 504 }));
      }, timeoutMs);
      this.pending.set(ack, { event, resolve, reject, timer });
      send(ack);
    });
  }

  /** Settles the request `ack` with the client's answer; an unknown or expired ack is ignored. */
  answer(ack: number, payload: unknown, error: unknown): boolean {
    const ask = this.pending.get(ack);
    if (ask === undefined) return false;
    this.pending.delete(ack);
    clearTimeout(ask.timer);
    if (error === undefined) ask.resolve(payload);
    else ask.reject(clientError(error, ask.event));
    return true;
  }

  /** Rejects every pending request with `DISCONNECTED` (the connection closed). */
  disconnected(): void {
    for (const ask of this.pending.values()) {
      clearTimeout(ask.timer);
      ask.reject(disconnectedError(ask.event));
    }
    this.pending.clear();
  }
}

/** The error of a request to a client that is gone. */
export function disconnectedError(event: string): WsException {
  return new WsException(ServerRequestErrors.DISCONNECTED, `The client disconnected before answering '${event}'`, { status: 410 });
}

const MAX_TEXT = 1024;

// The client's `{code, message, details?}`, bounded: it is untrusted input.
function clientError(error: unknown, event: string): WsException {
  const body = error !== null && typeof error === 'object' ? (error as Record<string, unknown>) : {};
  const code = typeof body.code === 'string' && body.code.length > 0 ? body.code.slice(0, 128) : ErrorCodes.INTERNAL_ERROR;
  const message = typeof body.message === 'string' ? body.message.slice(0, MAX_TEXT) : `The client failed to answer '${event}'`;
  return new WsException(code, message, { status: 502, details: body.details });
}
