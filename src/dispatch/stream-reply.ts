/**
 * @module dispatch/stream-reply
 * Streamed replies: a handler that returns an async iterable (an async generator) or an observable
 * (anything with `subscribe`) answers with one frame per item, `{"event","payload","id","stream":true}`,
 * then `{"event","id","end":true}` or an error envelope with the id. The client's `{"cancel": id}`
 * and its disconnect stop the source (`return()` / `unsubscribe()`).
 */
import type { ConnectionHandle } from '../spi/handles';
import { ErrorCodes, WsException } from '../errors/ws-exception';

/** An iterable source is pulled only while the socket holds less than this (64 KiB). */
export const STREAM_HIGH_WATER_BYTES = 64 * 1024;
/** How often a stream held back by a full socket checks it again. */
const DRAIN_POLL_MS = 10;

/** The observable shape accepted (RxJS's, without depending on it). */
export interface ObservableLike {
  subscribe(observer: { next(value: unknown): void; error(error: unknown): void; complete(): void }): { unsubscribe(): void } | (() => void) | void;
}

/** What a connection offers streams (the core `Connection`). */
export interface StreamHost {
  openStream(key: unknown, cancel: () => void): boolean | 'full';
  closeStream(key: unknown, cancel: () => void): void;
  readonly bufferedAmount: number;
}

type Fail = (error: unknown) => void;

/** Whether a handler's (non-thenable, object) result streams. */
export function isStreamResult(value: object): boolean {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' || typeof (value as { subscribe?: unknown }).subscribe === 'function';
}

function hostOf(client: ConnectionHandle): StreamHost | undefined {
  return typeof (client as Partial<StreamHost>).openStream === 'function' ? (client as unknown as StreamHost) : undefined;
}

function frames(prefix: string, id: string | number | undefined): { item: (payload: unknown) => string; end: string } {
  const tail = (id === undefined ? '' : ',"id":' + JSON.stringify(id)) + ',"stream":true}';
  return {
    item: (payload) => prefix + ',"payload":' + (JSON.stringify(payload) ?? 'null') + tail,
    end: prefix + (id === undefined ? '' : ',"id":' + JSON.stringify(id)) + ',"end":true}',
  };
}

function limitError(): WsException {
  return new WsException(ErrorCodes.STREAM_LIMIT, 'Too many streams running on this connection (at most 64)', { status: 429 });
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Items sent in a row before the pump lets the event loop run (a source that never awaits I/O would starve it). */
const ITEMS_PER_TURN = 64;
const schedule: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);
const nextTurn = (): Promise<void> => new Promise((resolve) => schedule(resolve));
const OPEN = 1;

/** Streams `source` to `client` as the reply to request `id`. Never throws; failures go to `fail`. */
export function streamReply(client: ConnectionHandle, prefix: string, source: object, id: string | number | undefined, fail: Fail): void {
  const host = hostOf(client);
  const key = id ?? {}; // without an id the stream cannot be cancelled, but a disconnect still stops it
  const out = frames(prefix, id);
  if (typeof (source as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') {
    pull(client, host, key, source as AsyncIterable<unknown>, out, fail);
  } else {
    observe(client, host, key, source as ObservableLike, out, fail);
  }
}

function pull(client: ConnectionHandle, host: StreamHost | undefined, key: unknown, source: AsyncIterable<unknown>, out: ReturnType<typeof frames>, fail: Fail): void {
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = source[Symbol.asyncIterator]();
  } catch (error) {
    return fail(error);
  }
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    // return() is queued behind a next() still running; a source that never yields again never stops.
    try {
      const done = iterator.return?.();
      if (done !== undefined) Promise.resolve(done).catch(() => undefined);
    } catch {
      // a failing return() has nothing left to tell anyone
    }
  };
  const opened = host === undefined || host.openStream(key, stop);
  if (opened !== true) {
    stop();
    if (opened === 'full') fail(limitError());
    return;
  }
  const run = async (): Promise<void> => {
    try {
      for (let sent = 1; ; sent++) {
        // Backpressure: wait (polling) while the socket holds more than the high-water mark.
        while (host !== undefined && host.bufferedAmount >= STREAM_HIGH_WATER_BYTES && !stopped) await wait(DRAIN_POLL_MS);
        if (sent % ITEMS_PER_TURN === 0) await nextTurn();
        // A socket closing (its close event not handled yet) takes no more items.
        if (client.readyState > OPEN) stop();
        if (stopped) return;
        const step = await iterator.next();
        if (stopped) return;
        if (step.done === true) {
          stopped = true;
          client.sendText(out.end);
          return;
        }
        client.sendText(out.item(step.value));
      }
    } catch (error) {
      if (stopped) return;
      stop();
      fail(error);
    } finally {
      host?.closeStream(key, stop);
    }
  };
  void run();
}

function observe(client: ConnectionHandle, host: StreamHost | undefined, key: unknown, source: ObservableLike, out: ReturnType<typeof frames>, fail: Fail): void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined = undefined;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe?.();
  };
  const finished = (): void => {
    stopped = true;
    host?.closeStream(key, stop);
  };
  const opened = host === undefined || host.openStream(key, stop);
  if (opened !== true) {
    if (opened === 'full') fail(limitError());
    return;
  }
  // Observables push: they cannot be held back, so their frames go out as they come and the
  // connection's slow-consumer limit (maxBufferedBytes) bounds what a slow reader costs.
  let subscription: ReturnType<ObservableLike['subscribe']>;
  try {
    subscription = source.subscribe({
      next: (value) => {
        if (stopped) return;
        let text: string;
        try {
          text = out.item(value);
        } catch (error) {
          stop();
          finished();
          return fail(error);
        }
        client.sendText(text);
      },
      error: (error) => {
        if (stopped) return;
        finished();
        fail(error);
      },
      complete: () => {
        if (stopped) return;
        finished();
        client.sendText(out.end);
      },
    });
  } catch (error) {
    finished();
    return fail(error);
  }
  unsubscribe = typeof subscription === 'function' ? subscription : subscription !== undefined && subscription !== null ? () => subscription.unsubscribe() : undefined;
  if (stopped) unsubscribe?.(); // completed, failed or cancelled during subscribe
}
