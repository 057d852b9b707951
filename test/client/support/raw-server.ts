/**
 * A raw `ws` server speaking the recovery wire form by hand (session frames, offsets, presence), so the
 * client's side of session recovery is tested without the framework's server. Port 0, 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** One accepted connection: its query and what it sent. */
export interface RawConnection {
  socket: WebSocket;
  query: URLSearchParams;
  /** The `offsets` parameter, parsed as JSON (undefined when absent). */
  readonly offsets: unknown;
  send(frame: object): void;
  /** Sends `{"event":"session",...}`. */
  session(id: string, token: string, resumed: boolean): void;
  /** Resolves with the next frame the client sends. */
  next(): Promise<Record<string, unknown>>;
  /** Closes from the server side (1012 by default: a restart, worth resuming after). */
  drop(code?: number): Promise<void>;
}

/** The server and the connections it accepted, in order. */
export interface RawServer {
  url(path?: string): string;
  connections: RawConnection[];
  /** Resolves with connection number `n` (0-based) once it is open. */
  connection(n: number): Promise<RawConnection>;
  close(): Promise<void>;
}

/** Refuses a handshake: the HTTP status and the JSON body the framework would send. */
export type Refusal = { status: number; body: { code: string; message: string } } | undefined;

/** `refuse` sees each handshake's query (and how many were refused before) and may refuse it. */
export async function rawServer(refuse: (query: URLSearchParams, refused: number) => Refusal = () => undefined): Promise<RawServer> {
  let refusals = 0;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      const refusal = refuse(new URLSearchParams((info.req.url ?? '').split('?')[1] ?? ''), refusals);
      if (refusal === undefined) return done(true);
      refusals++;
      done(false, refusal.status, JSON.stringify(refusal.body), { 'Content-Type': 'application/json' });
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const connections: RawConnection[] = [];
  const waiters = new Map<number, (c: RawConnection) => void>();
  wss.on('connection', (socket, request) => {
    const query = new URLSearchParams((request.url ?? '').split('?')[1] ?? '');
    const inbox: Array<Record<string, unknown>> = [];
    const readers: Array<(frame: Record<string, unknown>) => void> = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const reader = readers.shift();
      if (reader) reader(frame);
      else inbox.push(frame);
    });
    const offsets = query.get('offsets');
    const connection: RawConnection = {
      socket,
      query,
      get offsets(): unknown {
        return offsets === null ? undefined : JSON.parse(offsets);
      },
      send: (frame) => socket.send(JSON.stringify(frame)),
      session: (id, token, resumed) => socket.send(JSON.stringify({ event: 'session', payload: { id, token, resumed } })),
      next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => readers.push(resolve))),
      drop: (code = 1012) =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.close(code);
        }),
    };
    connections.push(connection);
    waiters.get(connections.length - 1)?.(connection);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: (path = '/chat') => `ws://127.0.0.1:${port}${path}`,
    connections,
    connection: (n) => {
      const known = connections[n];
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiters.set(n, resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
