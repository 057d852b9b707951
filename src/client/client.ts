/**
 * @module client/client
 * The runtime-neutral client: one logical connection to one server path that survives reconnects,
 * correlates replies by `id`, queues what is sent while disconnected, and reports its status.
 */
import { backoffDelay, reconnectPolicy, type ReconnectPolicy } from './backoff';
import { ClientError, ClientErrorCodes } from './client-error';
import type { AnyEvents, AnyPushes, PayloadOf, ResultOf } from './event-map';
import { Listeners, type Listener } from './listeners';
import type { ClientOptions, ClientStatus, RequestOptions } from './options';
import { OPEN, type SocketConstructor, type SocketLike, type SocketProbe } from './socket-like';
import { closedError, encode, toClientError, withQuery, type ServerErrorPayload } from './wire';
import { BuiltInEvents } from '../protocol/wire';
import { Answers } from './answers';
import { StreamCall, type StreamOptions } from './streams';

export type { ServerErrorPayload };

type RequestArgs<P> = undefined extends P ? [payload?: P, options?: RequestOptions] : [payload: P, options?: RequestOptions];
type EmitArgs<P> = undefined extends P ? [payload?: P] : [payload: P];
type StreamArgs<P> = undefined extends P ? [payload?: P, options?: StreamOptions] : [payload: P, options?: StreamOptions];
/** The items a stream of `K` yields: the declared result, or the item type of a declared async iterable. */
export type StreamItem<E, K extends keyof E> = ResultOf<E, K> extends AsyncIterable<infer I> ? I : ResultOf<E, K>;
/** Events `on()` accepts: the declared pushes, and `error`. */
export type PushName<P> = (keyof P & string) | 'error';
/** The payload a push listener receives. */
export type PushPayload<P, K> = K extends 'error' ? ServerErrorPayload : K extends keyof P ? P[K] : unknown;

/** What a runtime entry (browser or Node) supplies. */
export interface ClientRuntime {
  WebSocket: SocketConstructor | undefined;
  reconnectByDefault: boolean;
  probe?: SocketProbe | undefined;
}

interface Pending {
  event: string;
  resolve: (value: unknown) => void;
  reject: (error: ClientError) => void;
  timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

interface Outgoing {
  frame: string;
  id?: number | undefined;
}

// Server close codes after which coming back is pointless: a normal close, a policy violation, or an
// application decision (4000-4999, e.g. kicked).
const isFinalClose = (code: number): boolean => code === 1000 || code === 1008 || (code >= 4000 && code < 5000);
// Refused handshakes worth retrying: timeouts, rate limits and server-side trouble.
const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** A connection to one controller path. `E` describes the events it sends, `P` those the server pushes. */
export class Client<E extends object = AnyEvents, P extends object = AnyPushes> {
  private socket: SocketLike | undefined;
  private state: ClientStatus = 'connecting';
  private readonly policy: ReconnectPolicy | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, StreamCall<unknown>>();
  private readonly answers = new Answers();
  private outbox: Outgoing[] = [];
  private queuedEmits = 0;
  private readonly listeners = new Listeners();
  private readonly statusListeners = new Set<(status: ClientStatus) => void>();
  private readyWaiters: Array<{ resolve: () => void; reject: (error: ClientError) => void }> = [];
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  private failure: ClientError | undefined;
  private socketClosed: Promise<void> = Promise.resolve();

  constructor(
    /** The URL given to `connect()` (without the `query` option). */
    readonly url: string,
    private readonly options: ClientOptions,
    private readonly runtime: ClientRuntime,
  ) {
    this.policy = reconnectPolicy(options.reconnect, runtime.reconnectByDefault);
    // Opening on the next microtask lets the caller subscribe to `onStatus` and see `connecting`.
    queueMicrotask(() => {
      if (this.state !== 'connecting') return;
      this.notify();
      this.open();
    });
  }

  /** The current status. */
  get status(): ClientStatus {
    return this.state;
  }

  /** Resolves when the connection is open; rejects if the client closes first (e.g. refused handshake). */
  ready(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(this.failure ?? closedError());
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Sends an event without expecting a reply; queued (bounded, oldest dropped) while disconnected. */
  emit<K extends keyof E & string>(event: K, ...args: EmitArgs<PayloadOf<E, K>>): void {
    if (this.state === 'closed') return;
    const frame = encode(event, args[0], undefined);
    if (this.isOpen()) return this.socket!.send(frame);
    const limit = this.options.queueSize ?? 100;
    if (limit <= 0) return;
    if (this.queuedEmits >= limit) {
      const oldest = this.outbox.findIndex((o) => o.id === undefined);
      this.outbox.splice(oldest, 1);
      this.queuedEmits--;
    }
    this.outbox.push({ frame });
    this.queuedEmits++;
  }

  /** Sends an event with an id and resolves with the reply's payload, or rejects with a `ClientError`. */
  request<K extends keyof E & string>(event: K, ...args: RequestArgs<PayloadOf<E, K>>): Promise<ResultOf<E, K>> {
    if (this.state === 'closed') return Promise.reject(this.failure ?? closedError());
    const [payload, options] = args as [unknown, RequestOptions | undefined];
    const id = this.nextId++;
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const frame = encode(event, payload, id);
    return new Promise<ResultOf<E, K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.outbox = this.outbox.filter((o) => o.id !== id);
        reject(new ClientError(ClientErrorCodes.TIMEOUT, `Timeout: no reply to '${event}' within ${timeoutMs} ms`, { event }));
      }, timeoutMs);
      this.pending.set(id, { event, resolve: resolve as (value: unknown) => void, reject, timer, sent: false });
      if (this.isOpen()) this.sendRequest(id, frame);
      else this.outbox.push({ frame, id });
    });
  }

  /**
   * Calls `event` whose handler streams its reply (returns an async iterable or an observable); read it
   * with `for await`. Breaking out, `return()` or `options.signal` cancels it on the server.
   */
  stream<K extends keyof E & string>(event: K, ...args: StreamArgs<PayloadOf<E, K>>): AsyncIterableIterator<StreamItem<E, K>, undefined> {
    const [payload, options] = args as [unknown, StreamOptions | undefined];
    const id = this.nextId++;
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const call = new StreamCall<StreamItem<E, K>>(event, timeoutMs, options?.signal, (notify) => {
      if (this.streams.get(id) !== call) return;
      this.streams.delete(id);
      this.outbox = this.outbox.filter((o) => o.id !== id);
      if (notify && call.sent && this.isOpen()) this.socket!.send(JSON.stringify({ cancel: id }));
    });
    if (this.state === 'closed') {
      call.fail(this.failure ?? closedError());
      return call;
    }
    this.streams.set(id, call as StreamCall<unknown>);
    const frame = encode(event, payload, id);
    if (this.isOpen()) this.sendRequest(id, frame);
    else this.outbox.push({ frame, id });
    return call;
  }

  /**
   * Answers the server's `client.request(event, ...)`: the value `fn` returns (or resolves) is sent
   * back, a throw goes back as `{code, message}`. One handler per event; returns a function removing it.
   */
  handle<T = unknown>(event: string, fn: (payload: T) => unknown): () => void {
    return this.answers.set(event, fn as (payload: unknown) => unknown);
  }

  /** Listens to a server push (or `error`: server errors that answer no request). Returns an unsubscribe function. */
  on<K extends PushName<P>>(event: K, fn: (payload: PushPayload<P, K>) => void): () => void {
    return this.listeners.add(event, fn as Listener, false);
  }

  /** Like `on`, for the next occurrence only. */
  once<K extends PushName<P>>(event: K, fn: (payload: PushPayload<P, K>) => void): () => void {
    return this.listeners.add(event, fn as Listener, true);
  }

  /** Removes a listener, or every listener of the event when `fn` is omitted. */
  off<K extends PushName<P>>(event: K, fn?: (payload: PushPayload<P, K>) => void): void {
    this.listeners.remove(event, fn as Listener | undefined);
  }

  /** Listens to status changes (connecting, open, reconnecting, closed). Returns an unsubscribe function. */
  onStatus(fn: (status: ClientStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Closes for good: no reconnect, pending and queued requests reject with `CLOSED`. Resolves once the socket closed. */
  close(code = 1000, reason?: string): Promise<void> {
    if (this.state !== 'closed') {
      const socket = this.socket;
      this.finish(closedError());
      if (socket && socket.readyState <= OPEN) socket.close(code, reason);
    }
    return this.socketClosed;
  }

  private isOpen(): boolean {
    return this.state === 'open' && this.socket !== undefined && this.socket.readyState === OPEN;
  }

  private sendRequest(id: number, frame: string): void {
    const pending = this.pending.get(id) ?? this.streams.get(id);
    if (!pending) return; // timed out (or cancelled) while queued
    pending.sent = true;
    this.socket!.send(frame);
  }

  private open(): void {
    const Ctor = this.options.WebSocket ?? this.runtime.WebSocket;
    if (!Ctor) {
      this.finish(new ClientError(ClientErrorCodes.CONNECT_FAILED, 'No WebSocket implementation: pass the `WebSocket` option'));
      return;
    }
    let socket: SocketLike;
    try {
      socket = new Ctor(withQuery(this.url, this.options.query), this.options.protocols);
    } catch (error) {
      this.finish(new ClientError(ClientErrorCodes.CONNECT_FAILED, error instanceof Error ? error.message : String(error)));
      return;
    }
    this.socket = socket;
    let refusal: ClientError | undefined;
    let opened = false;
    this.runtime.probe?.(socket, (status, body) => {
      refusal = new ClientError(body.code ?? `HTTP_${status}`, body.message ?? `Handshake refused with HTTP ${status}`, { status });
    });
    this.socketClosed = new Promise<void>((settle) => {
      socket.onclose = (event) => {
        settle();
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.dropped(opened, event.code, refusal);
      };
    });
    socket.onerror = () => undefined; // a close event always follows; it carries what we act on
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.opened();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data, socket);
    };
  }

  private opened(): void {
    this.attempt = 0;
    this.failure = undefined;
    this.setState('open');
    const queued = this.outbox;
    this.outbox = [];
    this.queuedEmits = 0;
    for (const item of queued) {
      if (item.id === undefined) this.socket!.send(item.frame);
      else this.sendRequest(item.id, item.frame);
    }
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private receive(text: string, socket: SocketLike): void {
    let message: { event?: unknown; payload?: unknown; id?: unknown; ack?: unknown; stream?: unknown; end?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message === null || typeof message !== 'object' || typeof message.event !== 'string') return;
    if (typeof message.ack === 'number') {
      // A server request: answered on the socket it came on (an answer on a later one means nothing).
      const send = (frame: string): void => {
        if (this.socket === socket && socket.readyState === OPEN) socket.send(frame);
      };
      return this.answers.run(message.event, message.payload, message.ack, send);
    }
    const stream = typeof message.id === 'number' ? this.streams.get(message.id) : undefined;
    if (stream !== undefined) {
      if (message.event === BuiltInEvents.ERROR) return stream.fail(toClientError(message.payload, stream.event));
      if (message.end === true) return stream.end();
      stream.push(message.payload);
      if (message.stream !== true) stream.end(); // a plain reply: a stream of one item
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (pending !== undefined) {
      this.pending.delete(message.id as number);
      clearTimeout(pending.timer);
      if (message.event === BuiltInEvents.ERROR) pending.reject(toClientError(message.payload, pending.event));
      else pending.resolve(message.payload);
      return;
    }
    this.listeners.dispatch(message.event, message.payload);
  }

  private dropped(wasOpen: boolean, code: number, refusal: ClientError | undefined): void {
    if (this.state === 'closed') return;
    for (const [id, pending] of this.pending) {
      if (!pending.sent) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new ClientError(ClientErrorCodes.DISCONNECTED, `Disconnected before the reply to '${pending.event}'`, { event: pending.event }));
    }
    for (const stream of [...this.streams.values()]) {
      if (stream.sent) stream.fail(new ClientError(ClientErrorCodes.DISCONNECTED, `Disconnected during the stream '${stream.event}'`, { event: stream.event }));
    }
    const error =
      refusal ??
      (wasOpen
        ? new ClientError(ClientErrorCodes.DISCONNECTED, `Connection closed (${code})`)
        : new ClientError(ClientErrorCodes.CONNECT_FAILED, `Could not connect to ${this.url}`));
    const retry =
      this.policy !== undefined &&
      this.attempt < this.policy.maxRetries &&
      (refusal?.status === undefined || isRetryableStatus(refusal.status)) &&
      !(wasOpen && isFinalClose(code));
    if (!retry) return this.finish(error);
    this.failure = error;
    this.setState('reconnecting');
    const delay = backoffDelay(this.policy!, this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.state === 'reconnecting') this.open();
    }, delay);
  }

  // Terminal: reject everything waiting and report `closed`.
  private finish(error: ClientError): void {
    this.failure = error;
    clearTimeout(this.retryTimer);
    this.socket = undefined;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ClientError(error.code, error.message, { event: pending.event, status: error.status }));
    }
    this.pending.clear();
    for (const stream of [...this.streams.values()]) {
      stream.fail(new ClientError(error.code, error.message, { event: stream.event, status: error.status }));
    }
    this.outbox = [];
    this.queuedEmits = 0;
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
    this.setState('closed');
  }

  private setState(state: ClientStatus): void {
    if (this.state === state) return;
    this.state = state;
    this.notify();
  }

  private notify(): void {
    for (const fn of [...this.statusListeners]) fn(this.state);
  }
}
