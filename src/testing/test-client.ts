/**
 * @module testing/test-client
 * The client a test drives: `emit`, `request` (with ids), `next` (the next envelope, optionally
 * of one event), `received`, `close` and `closed`. The same class runs in-process and over `ws`.
 */
import { ReadyState } from '../spi/transport';
import { ErrorReply, isErrorPayload } from './errors';
import type { ClientPipe, PipeListener } from './pipe';

/** A message as it arrived: `{ event, payload?, id? }`. */
export interface TestEnvelope {
  event: string;
  payload?: unknown | undefined;
  id?: string | number | undefined;
}

/** A frame as it arrived (text or binary, envelope or not). */
export interface TestFrame {
  data: string | Buffer;
  isBinary: boolean;
}

/** How a connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Per-call options of `request()` and `next()`. */
export interface WaitOptions {
  /** Reject after this many ms. @default 3000 */
  timeoutMs?: number | undefined;
}

interface Waiter {
  what: string;
  match(envelope: TestEnvelope): boolean;
  settle(envelope: TestEnvelope): void;
  fail(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 3000;

function asEnvelope(text: string): TestEnvelope | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as TestEnvelope).event === 'string') return value as TestEnvelope;
  } catch {
    // not JSON: kept in `frames` only
  }
  return undefined;
}

/** A connected test client. */
export class TestClient {
  /** Every envelope received, in order (replies included). */
  readonly received: TestEnvelope[] = [];
  /** Every frame received, in order, including binary and non-envelope text frames. */
  readonly frames: TestFrame[] = [];
  /** Resolves with the close code and reason once the connection has closed. */
  readonly closed: Promise<CloseInfo>;
  private pipe: ClientPipe | undefined;
  private readonly taken = new WeakSet<TestEnvelope>();
  private readonly requests = new Map<string | number, Waiter>();
  private waiters: Waiter[] = [];
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private nextId = 1;
  private connectionId = '';
  /** @internal What the socket under this client reports to. */
  readonly listener: PipeListener = {
    frame: (data, isBinary) => this.onFrame(data, isBinary),
    closed: (code, reason) => this.onClose(code, reason),
  };

  /** @internal Created by `TestingApp.connect()`. */
  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** The server-side connection id (the `WsClient.id` handlers see). */
  get id(): string {
    return this.connectionId;
  }

  /** 1 open, 2 closing, 3 closed. */
  get readyState(): number {
    return this.pipe?.readyState ?? ReadyState.CONNECTING;
  }

  /** @internal */
  attach(pipe: ClientPipe, id: string): void {
    this.pipe = pipe;
    this.connectionId = id;
  }

  /** Sends `{ event, payload }` without waiting for anything. */
  emit(event: string, payload?: unknown): void {
    this.send(JSON.stringify(payload === undefined ? { event } : { event, payload }));
  }

  /** Sends a raw text or binary frame. */
  send(data: string | Uint8Array): void {
    const pipe = this.pipe;
    if (pipe === undefined || pipe.readyState !== ReadyState.OPEN) throw new Error('The test client is not open');
    pipe.send(data);
  }

  /**
   * Sends `{ event, payload, id }` and resolves with the reply's payload; rejects with an
   * `ErrorReply` (`code`, `message`, `details`) when the server answers with an error.
   */
  request<T = unknown>(event: string, payload?: unknown, options: WaitOptions = {}): Promise<T> {
    const id = this.nextId++;
    const envelope = payload === undefined ? { event, id } : { event, payload, id };
    try {
      this.send(JSON.stringify(envelope));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // Registering after sending is safe: frames always arrive asynchronously, on both transports.
    const reply = this.wait<TestEnvelope>(`a reply to '${event}' (id ${id})`, options, (waiter) => this.requests.set(id, waiter), () => this.requests.delete(id), (e) => e.id === id);
    return reply.then((message) => {
      if (message.event === 'error' && isErrorPayload(message.payload)) throw new ErrorReply(message.payload);
      return message.payload as T;
    });
  }

  /** Resolves with the next envelope not yet taken by `next()` or `request()`, optionally of one event. */
  next(event?: string, options: WaitOptions = {}): Promise<TestEnvelope> {
    const match = (e: TestEnvelope): boolean => event === undefined || e.event === event;
    const found = this.received.find((e) => !this.taken.has(e) && match(e));
    if (found !== undefined) {
      this.taken.add(found);
      return Promise.resolve(found);
    }
    return this.wait(
      event === undefined ? 'the next message' : `the next '${event}'`,
      options,
      (waiter) => this.waiters.push(waiter),
      (waiter) => (this.waiters = this.waiters.filter((w) => w !== waiter)),
      match,
    );
  }

  /** Closes the connection; resolves with how it closed (the code the server echoed). */
  close(code?: number, reason?: string): Promise<CloseInfo> {
    const pipe = this.pipe;
    if (pipe !== undefined && pipe.readyState === ReadyState.OPEN) pipe.close(code, reason);
    return this.closed;
  }

  private wait<T extends TestEnvelope>(
    what: string,
    options: WaitOptions,
    register: (waiter: Waiter) => void,
    unregister: (waiter: Waiter) => void,
    match: (envelope: TestEnvelope) => boolean,
  ): Promise<T> {
    if (this.closeInfo) return Promise.reject(this.closedError(what, this.closeInfo));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        what,
        match,
        settle: (envelope) => {
          clearTimeout(timer);
          unregister(waiter);
          resolve(envelope as T);
        },
        fail: (error) => {
          clearTimeout(timer);
          unregister(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      register(waiter);
    });
  }

  private closedError(what: string, info: CloseInfo): Error {
    return new Error(`The connection closed (${info.code}${info.reason ? ` ${info.reason}` : ''}) before ${what} arrived`);
  }

  private onFrame(data: string | Buffer, isBinary: boolean): void {
    this.frames.push({ data, isBinary });
    if (isBinary || typeof data !== 'string') return;
    const envelope = asEnvelope(data);
    if (envelope === undefined) return;
    this.received.push(envelope);
    // A reply goes to its request first, so a pending `next()` cannot steal it.
    const request = envelope.id === undefined ? undefined : this.requests.get(envelope.id);
    const waiter = request ?? this.waiters.find((w) => w.match(envelope));
    if (waiter === undefined) return;
    this.taken.add(envelope);
    waiter.settle(envelope);
  }

  private onClose(code: number, reason: string): void {
    if (this.closeInfo) return;
    this.closeInfo = { code, reason };
    for (const waiter of [...this.requests.values(), ...this.waiters]) waiter.fail(this.closedError(waiter.what, this.closeInfo));
    this.resolveClosed(this.closeInfo);
  }
}
