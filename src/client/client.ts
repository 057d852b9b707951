/**
 * @module client/client
 * The runtime-neutral client: one logical connection to one server path that survives reconnects,
 * correlates replies by `id`, queues what is sent while disconnected, and reports its status.
 */
import { backoffDelay, reconnectPolicy, type ReconnectPolicy } from './backoff';
import type { PresenceMetaOf, SessionInfo } from './built-in-pushes';
import { Calls, type ReplyFrame } from './calls';
import { ClientError, ClientErrorCodes } from './client-error';
import type { ClientRuntime, EmitArgs, PushName, PushPayload, RequestArgs, StreamArgs, StreamItem } from './client-types';
import { isFinalClose, isRetryableStatus } from './close-codes';
import type { AnyEvents, AnyPushes, PayloadOf, ResultOf } from './event-map';
import { Listeners, type Listener } from './listeners';
import { openSocket } from './open-socket';
import type { ClientOptions, ClientStatus, RequestOptions } from './options';
import { Outbox } from './outbox';
import type { PresenceView } from './presence';
import { Recovery, type IncomingPush } from './recovery';
import { OPEN, type SocketLike } from './socket-like';
import { closedError, encode, withQuery } from './wire';
import { Answers } from './answers';
import { StreamCall, type StreamOptions } from './streams';
import { BuiltInEvents } from '../protocol/wire';

// The refusal of a resume whose session another connection claimed (HTTP 409).
const RESUME_CONFLICT = 'RESUME_CONFLICT';

/** A connection to one controller path. `E` describes the events it sends, `P` those the server pushes. */
export class Client<E extends object = AnyEvents, P extends object = AnyPushes> {
  private socket: SocketLike | undefined;
  private state: ClientStatus = 'connecting';
  private readonly policy: ReconnectPolicy | undefined;
  private readonly calls = new Calls();
  private readonly answers = new Answers();
  private readonly outbox = new Outbox();
  private readonly listeners = new Listeners();
  private readonly recovery = new Recovery();
  private readonly statusListeners = new Set<(status: ClientStatus) => void>();
  private readyWaiters: Array<{ resolve: () => void; reject: (error: ClientError) => void }> = [];
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
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

  /** The session of the last `session` frame (servers with `recovery` on), or undefined before one. */
  get session(): SessionInfo | undefined {
    return this.recovery.info;
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
    if (this.isOpen()) this.socket!.send(frame);
    else this.outbox.addEmit(frame, this.options.queueSize ?? 100);
  }

  /** Sends an event with an id and resolves with the reply's payload, or rejects with a `ClientError`. */
  request<K extends keyof E & string>(event: K, ...args: RequestArgs<PayloadOf<E, K>>): Promise<ResultOf<E, K>> {
    if (this.state === 'closed') return Promise.reject(this.failure ?? closedError());
    const [payload, options] = args as [unknown, RequestOptions | undefined];
    const id = this.calls.newId();
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const frame = encode(event, payload, id);
    const reply = this.calls.request(id, event, timeoutMs, () => this.outbox.forget(id));
    this.sendCall(id, frame);
    // The reply is the connection's room list: offsets of rooms not in it are of no use to a resume.
    if (event === BuiltInEvents.JOIN_ROOM || event === BuiltInEvents.LEFT_ROOM) reply.then((rooms) => this.recovery.offsets.keepRooms(rooms), () => undefined);
    return reply as Promise<ResultOf<E, K>>;
  }

  /**
   * Calls `event` whose handler streams its reply (returns an async iterable or an observable); read it
   * with `for await`. Breaking out, `return()` or `options.signal` cancels it on the server.
   */
  stream<K extends keyof E & string>(event: K, ...args: StreamArgs<PayloadOf<E, K>>): AsyncIterableIterator<StreamItem<E, K>, undefined> {
    const [payload, options] = args as [unknown, StreamOptions | undefined];
    const id = this.calls.newId();
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const call: StreamCall<StreamItem<E, K>> = new StreamCall<StreamItem<E, K>>(event, timeoutMs, options?.signal, (notify) => {
      if (!this.calls.removeStream(id, call as StreamCall<unknown>)) return;
      this.outbox.forget(id);
      if (notify && call.sent && this.isOpen()) this.socket!.send(JSON.stringify({ cancel: id }));
    });
    if (this.state === 'closed') {
      call.fail(this.failure ?? closedError());
      return call;
    }
    this.calls.addStream(id, call as StreamCall<unknown>);
    this.sendCall(id, encode(event, payload, id));
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

  /**
   * Listens to the `session` frame of every connection (servers with `recovery` on). `resumed: false`
   * means a fresh session, in no room: re-join rooms there (and only there). Returns an unsubscribe function.
   */
  onSession(fn: (session: SessionInfo) => void): () => void {
    return this.recovery.onSession(fn);
  }

  /**
   * The members of `room` (clients tracked by the server's `PresenceService`), kept up to date from the
   * `presence-state` and `presence-diff` frames this client receives. `M` is the type of the members' meta
   * (by default the one the push map declares with `PresencePushes<M>`).
   */
  presence<M = PresenceMetaOf<P>>(room: string): PresenceView<M> {
    return this.recovery.presence.view<M>(room);
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

  // Sends the frame of request or stream `id` now, or queues it until the connection opens.
  private sendCall(id: number, frame: string): void {
    if (!this.isOpen()) return this.outbox.addCall(frame, id);
    if (this.calls.markSent(id)) this.socket!.send(frame);
  }

  private open(): void {
    const Ctor = this.options.WebSocket ?? this.runtime.WebSocket;
    if (!Ctor) {
      this.finish(new ClientError(ClientErrorCodes.CONNECT_FAILED, 'No WebSocket implementation: pass the `WebSocket` option'));
      return;
    }
    try {
      const opened = openSocket(Ctor, withQuery(this.url, this.options.query, this.recovery.resumeParams()), this.options.protocols, this.runtime.probe, {
        open: (socket) => {
          if (this.socket === socket) this.opened();
        },
        text: (socket, data) => {
          if (this.socket === socket) this.receive(data, socket);
        },
        close: (socket, wasOpen, code, refusal) => {
          if (this.socket !== socket) return;
          this.socket = undefined;
          this.dropped(wasOpen, code, refusal);
        },
      });
      this.socket = opened.socket;
      this.socketClosed = opened.closed;
    } catch (error) {
      this.finish(new ClientError(ClientErrorCodes.CONNECT_FAILED, error instanceof Error ? error.message : String(error)));
    }
  }

  private opened(): void {
    this.attempt = 0;
    this.failure = undefined;
    this.setState('open');
    for (const item of this.outbox.drain()) {
      if (item.id === undefined) this.socket!.send(item.frame);
      else if (this.calls.markSent(item.id)) this.socket!.send(item.frame);
    }
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private receive(text: string, socket: SocketLike): void {
    let message: ReplyFrame & IncomingPush & { ack?: unknown };
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
    if (this.calls.settle(message)) return;
    if (this.recovery.take(message)) this.listeners.dispatch(message.event, message.payload);
  }

  private dropped(wasOpen: boolean, code: number, refusal: ClientError | undefined): void {
    if (this.state === 'closed') return;
    this.calls.disconnected();
    const error =
      refusal ??
      (wasOpen
        ? new ClientError(ClientErrorCodes.DISCONNECTED, `Connection closed (${code})`)
        : new ClientError(ClientErrorCodes.CONNECT_FAILED, `Could not connect to ${this.url}`));
    // A resume refused because another connection claimed the session: come back without `resume`.
    const conflict = refusal?.code === RESUME_CONFLICT && this.recovery.abandon();
    const retry =
      this.policy !== undefined &&
      this.attempt < this.policy.maxRetries &&
      (refusal?.status === undefined || isRetryableStatus(refusal.status) || conflict) &&
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
    this.calls.failAll(error);
    this.outbox.drain();
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
