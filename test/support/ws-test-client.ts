/**
 * Test-side WebSocket client: awaitable connect (rejecting with the refusal's status and body),
 * `next()` for the next message, and `request()` with ids.
 */
import WebSocket from 'ws';

/** A refused handshake. */
export interface Refusal extends Error {
  status: number;
  body: { code?: string; message?: string };
}

/** A received envelope. */
export interface Received {
  event: string;
  payload?: unknown;
  id?: string | number;
}

/** A connected test client. */
export class TestSocket {
  readonly received: Received[] = [];
  readonly rawFrames: Array<{ data: Buffer; isBinary: boolean }> = [];
  private waiters: Array<{ match: (m: Received) => boolean; resolve: (m: Received) => void }> = [];
  private rawWaiters: Array<(f: { data: Buffer; isBinary: boolean }) => void> = [];
  private cursor = 0;
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.rawFrames.push({ data, isBinary });
      this.rawWaiters.shift()?.(this.rawFrames[this.rawFrames.length - 1]!);
      if (isBinary) return;
      let message: Received;
      try {
        message = JSON.parse(data.toString()) as Received;
      } catch {
        return;
      }
      this.received.push(message);
      const index = this.waiters.findIndex((w) => w.match(message));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        this.cursor = this.received.length;
        waiter!.resolve(message);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Sends a JSON value (or a raw string). */
  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Sends `{event, payload}`. */
  emit(event: string, payload?: unknown): void {
    this.send({ event, payload });
  }

  /** Sends with an id and resolves with the reply or error carrying that id. */
  request(event: string, payload?: unknown, timeoutMs = 3000): Promise<Received> {
    const id = this.nextId++;
    const reply = this.waitFor((m) => m.id === id, timeoutMs, `reply to ${event}#${id}`);
    this.send({ event, payload, id });
    return reply;
  }

  /** The next message not yet consumed (optionally of one event). */
  next(event?: string, timeoutMs = 3000): Promise<Received> {
    const pending = this.received.slice(this.cursor);
    const found = pending.find((m) => event === undefined || m.event === event);
    if (found) {
      this.cursor = this.received.indexOf(found) + 1;
      return Promise.resolve(found);
    }
    return this.waitForNew((m) => event === undefined || m.event === event, timeoutMs, `next ${event ?? 'message'}`);
  }

  /** The next raw frame. */
  nextRaw(timeoutMs = 3000): Promise<{ data: Buffer; isBinary: boolean }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a raw frame')), timeoutMs);
      this.rawWaiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  /** Resolves when a message matching `match` arrives (already received ones count). */
  waitFor(match: (m: Received) => boolean, timeoutMs = 3000, label = 'message'): Promise<Received> {
    const already = this.received.find(match);
    if (already) return Promise.resolve(already);
    return this.waitForNew(match, timeoutMs, label);
  }

  /** Resolves when a message matching `match` arrives from now on. */
  private waitForNew(match: (m: Received) => boolean, timeoutMs: number, label: string): Promise<Received> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${label}`));
      }, timeoutMs);
      const done = (m: Received): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Closes and waits for the close to complete. */
  async close(code?: number, reason?: string): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(code, reason);
    await this.closed;
  }
}

/** Opens a WebSocket; rejects with `{ status, body }` when the upgrade is refused. */
export function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const client = new TestSocket(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        const error = new Error(`refused with ${res.statusCode}`) as Refusal;
        error.status = res.statusCode ?? 0;
        try {
          error.body = JSON.parse(body) as Refusal['body'];
        } catch {
          error.body = {};
        }
        reject(error);
      });
    });
    ws.once('error', (err) => reject(err));
  });
}

/** `ws://127.0.0.1:<port><path>`. */
export function urlOf(port: number, path: string): string {
  return `ws://127.0.0.1:${port}${path}`;
}
