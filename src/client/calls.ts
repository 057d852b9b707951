/**
 * @module client/calls
 * The calls of one client awaiting the server, by `id`: requests waiting for their reply and streamed
 * replies being received. Settles them from reply frames, a dropped connection, or the client's end.
 */
import { ClientError, ClientErrorCodes } from './client-error';
import type { StreamCall } from './streams';
import { toClientError } from './wire';
import { BuiltInEvents } from '../protocol/wire';

interface Pending {
  event: string;
  resolve: (value: unknown) => void;
  reject: (error: ClientError) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

/** The fields of an incoming frame that may answer a call. */
export interface ReplyFrame {
  event: string;
  payload?: unknown;
  id?: unknown;
  stream?: unknown;
  end?: unknown;
}

/** Requests and streams in flight. */
export class Calls {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, StreamCall<unknown>>();

  /** A fresh call id. */
  newId(): number {
    return this.nextId++;
  }

  /** Waits for the reply to request `id`; rejects with `TIMEOUT` after `timeoutMs`, after calling `timedOut`. */
  request(id: number, event: string, timeoutMs: number, timedOut: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        timedOut();
        reject(new ClientError(ClientErrorCodes.TIMEOUT, `Timeout: no reply to '${event}' within ${timeoutMs} ms`, { event }));
      }, timeoutMs);
      this.pending.set(id, { event, resolve, reject, timer, sent: false });
    });
  }

  /** Registers stream `id`. */
  addStream(id: number, call: StreamCall<unknown>): void {
    this.streams.set(id, call);
  }

  /** Forgets stream `id` if it is still `call`; returns whether it was. */
  removeStream(id: number, call: StreamCall<unknown>): boolean {
    if (this.streams.get(id) !== call) return false;
    this.streams.delete(id);
    return true;
  }

  /** Marks call `id` as sent on the current socket; false when it is gone (timed out or cancelled while queued). */
  markSent(id: number): boolean {
    const call = this.pending.get(id) ?? this.streams.get(id);
    if (call === undefined) return false;
    call.sent = true;
    return true;
  }

  /** Settles the call a frame answers; returns false when it answers none. */
  settle(message: ReplyFrame): boolean {
    if (typeof message.id !== 'number') return false;
    const stream = this.streams.get(message.id);
    if (stream !== undefined) {
      if (message.event === BuiltInEvents.ERROR) stream.fail(toClientError(message.payload, stream.event));
      else if (message.end === true) stream.end();
      else {
        stream.push(message.payload);
        if (message.stream !== true) stream.end(); // a plain reply: a stream of one item
      }
      return true;
    }
    const pending = this.pending.get(message.id);
    if (pending === undefined) return false;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.event === BuiltInEvents.ERROR) pending.reject(toClientError(message.payload, pending.event));
    else pending.resolve(message.payload);
    return true;
  }

  /** The socket dropped: calls sent on it fail with `DISCONNECTED`; queued ones wait for the next socket. */
  disconnected(): void {
    for (const [id, pending] of this.pending) {
      if (!pending.sent) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new ClientError(ClientErrorCodes.DISCONNECTED, `Disconnected before the reply to '${pending.event}'`, { event: pending.event }));
    }
    for (const stream of [...this.streams.values()]) {
      if (stream.sent) stream.fail(new ClientError(ClientErrorCodes.DISCONNECTED, `Disconnected during the stream '${stream.event}'`, { event: stream.event }));
    }
  }

  /** The client ended: every call fails with the code and message of `error`. */
  failAll(error: ClientError): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ClientError(error.code, error.message, { event: pending.event, status: error.status }));
    }
    this.pending.clear();
    for (const stream of [...this.streams.values()]) {
      stream.fail(new ClientError(error.code, error.message, { event: stream.event, status: error.status }));
    }
  }
}
