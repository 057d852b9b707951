/**
 * A loopback TCP proxy that can cut connections abruptly, for the recovery chaos test (17.2). Each
 * accepted connection is piped to a backend port the router picks at that moment (so clients of a
 * dead node reconnect to a live one). A cut either resets both sides (RST: the server sees the drop
 * at once) or resets the client's side only and swallows the server's side (a half-open connection:
 * the server keeps writing into the void until a resume takes the session over).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How a connection is cut. */
export type CutMode = 'reset' | 'half-open';

interface Pair {
  client: Socket;
  upstream: Socket;
  backend: number;
}

/** Resets a socket (RST, no FIN) unless it is gone already. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  socket.resetAndDestroy();
}

/** The proxy. `route` picks the backend port of a new connection (undefined: refuse it). */
export class CutProxy {
  private readonly server: Server;
  private readonly pairs = new Set<Pair>();
  /** Connections accepted, and refused for want of a live backend. */
  accepted = 0;
  refused = 0;
  port = 0;

  constructor(private readonly route: () => number | undefined) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on a free loopback port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        this.port = typeof address === 'object' && address !== null ? address.port : 0;
        resolve(this.port);
      });
    });
  }

  /** Connections now piped. */
  get size(): number {
    return this.pairs.size;
  }

  private accept(client: Socket): void {
    const backend = this.route();
    client.on('error', () => undefined);
    if (backend === undefined) {
      this.refused++;
      reset(client);
      return;
    }
    this.accepted++;
    client.pause();
    const upstream = createConnection({ host: '127.0.0.1', port: backend });
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream, backend };
    this.pairs.add(pair);
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    // Either side gone: the other goes too, abruptly (a dead node's clients see their socket drop).
    const gone = (): void => {
      this.pairs.delete(pair);
      reset(client);
      reset(upstream);
    };
    upstream.once('close', gone);
    client.once('close', () => {
      if (this.pairs.has(pair)) gone();
    });
  }

  /** Cuts each piped connection with probability `fraction` (1: all); returns how many were cut. */
  cut(fraction: number, mode: CutMode): number {
    let cut = 0;
    for (const pair of [...this.pairs]) {
      if (fraction < 1 && Math.random() >= fraction) continue;
      cut++;
      this.pairs.delete(pair);
      if (mode === 'reset') {
        reset(pair.client);
        reset(pair.upstream);
        continue;
      }
      // Half-open: the client loses its socket; the server's side stays open, read and discarded,
      // until the server closes it (a takeover on resume, or its own heartbeat).
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.upstream.on('data', () => undefined);
      pair.upstream.resume();
      pair.upstream.once('close', () => reset(pair.upstream));
      this.halfOpen.add(pair.upstream);
      pair.upstream.once('close', () => this.halfOpen.delete(pair.upstream));
      reset(pair.client);
    }
    return cut;
  }

  /** Server sides left open by half-open cuts and not closed by their server yet. */
  readonly halfOpen = new Set<Socket>();

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    for (const pair of this.pairs) {
      reset(pair.client);
      reset(pair.upstream);
    }
    for (const socket of this.halfOpen) reset(socket);
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
