/**
 * @module client/streams
 * One streamed reply as an async iterator: items arrive as frames with the request's `id` and
 * `"stream": true`, then `"end": true` or an error. Breaking out of `for await`, `return()` or the
 * `AbortSignal` sends `{"cancel": id}` so the server stops producing.
 */
import { ClientError, ClientErrorCodes } from './client-error';

/** Options of `client.stream()`. */
export interface StreamOptions {
  /** Cancels the stream (on the server too); the iterator then rejects with `ABORTED`. */
  signal?: AbortSignal | undefined;
  /** Rejects with `TIMEOUT` when no first frame (item, end or error) arrives in time. @default the client's `timeoutMs` */
  timeoutMs?: number | undefined;
}

interface Waiter<T> {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (error: ClientError) => void;
}

/** A streamed reply being received. */
export class StreamCall<T> implements AsyncIterableIterator<T, undefined> {
  /** Whether its request frame went out on the current socket. */
  sent = false;
  private readonly items: T[] = [];
  private waiters: Array<Waiter<T>> = [];
  private ended = false;
  private failure: ClientError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = (): void => this.stop(new ClientError(ClientErrorCodes.ABORTED, `Stream '${this.event}' aborted`, { event: this.event }));

  constructor(
    readonly event: string,
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
    /** Forgets the call and, when `notify` and the request went out, sends the cancel frame. */
    private readonly release: (notify: boolean) => void,
  ) {
    this.timer = setTimeout(() => {
      this.stop(new ClientError(ClientErrorCodes.TIMEOUT, `Timeout: no reply to '${event}' within ${timeoutMs} ms`, { event }));
    }, timeoutMs);
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(this.onAbort);
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** An item arrived. */
  push(item: T): void {
    if (this.isOver()) return;
    this.firstFrame();
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  /** The server ended the stream. */
  end(): void {
    if (this.isOver()) return;
    this.ended = true;
    this.settle(false);
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  /** The stream failed (server error, disconnect, close): queued items are still read first. */
  fail(error: ClientError): void {
    if (this.isOver()) return;
    this.failure = error;
    this.settle(false);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops reading: the server is told to cancel. */
  return(): Promise<IteratorResult<T, undefined>> {
    if (!this.isOver()) {
      this.ended = true;
      this.items.length = 0;
      this.settle(true);
      for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  private stop(error: ClientError): void {
    if (this.isOver()) return;
    this.failure = error;
    this.items.length = 0;
    this.settle(true);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private isOver(): boolean {
    return this.ended || this.failure !== undefined;
  }

  private firstFrame(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private settle(notify: boolean): void {
    this.firstFrame();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.release(notify);
  }
}
