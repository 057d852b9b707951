/**
 * @module bun/bun-transport
 * The Bun transport: `Bun.serve` with its `websocket` handlers and `server.upgrade`. Room broadcasts
 * without excepts use Bun's native `publish`/`subscribe` topics.
 */
import { handshakeProblemOf, WebStandardSocket, handshakeFromRequest, refusalResponse, upgradeRequired, type ConnectionRef, type PreparedFrame, type Transport, type TransportContext, type TransportEngine } from '../spi';
import { bunRuntime, type BunServer, type BunServerWebSocket } from './bun-types';

interface SocketData {
  connection: ConnectionRef;
  socket?: BunSocket | undefined;
}

// Topics are namespaced so a user's own Bun topics never collide with rooms.
const topicOf = (room: string): string => `ws-controllers:room:${room}`;

/** Bun's socket seen through the core's interface, with native topics for rooms. */
class BunSocket extends WebStandardSocket<BunServerWebSocket<SocketData>> {
  override get bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  override terminate(): void {
    this.ws.terminate();
  }

  subscribe(room: string): void {
    this.ws.subscribe(topicOf(room));
  }

  unsubscribe(room: string): void {
    this.ws.unsubscribe(topicOf(room));
  }
}

/** Serves the app with `Bun.serve`. */
export class BunTransport implements Transport {
  private bunServer?: BunServer;

  get port(): number {
    return this.bunServer?.port ?? 0;
  }

  get server(): BunServer | undefined {
    return this.bunServer;
  }

  prepare(text: string): PreparedFrame {
    return { text };
  }

  publish(room: string, text: string): void {
    this.bunServer?.publish(topicOf(room), text);
  }

  async listen(engine: TransportEngine, context: TransportContext): Promise<void> {
    if (context.server !== undefined) {
      throw new Error(
        'bunTransport() cannot attach to a Node http server: drop the `server` option (Bun serves its own port).',
      );
    }
    const bun = bunRuntime();
    this.bunServer = bun.serve<SocketData>({
      port: context.port,
      hostname: context.host,
      fetch: (request, server) => this.fetch(engine, request, server),
      websocket: {
        maxPayloadLength: context.maxPayload,
        perMessageDeflate: false,
        open(ws) {
          const socket = new BunSocket(ws);
          ws.data.socket = socket;
          engine.open(ws.data.connection, socket);
        },
        message(ws, message) {
          if (typeof message === 'string') engine.message(ws.data.connection, message, false);
          else engine.message(ws.data.connection, message, true);
        },
        close(ws, code, reason) {
          engine.closed(ws.data.connection, code, reason);
        },
      },
    });
  }

  private async fetch(
    engine: TransportEngine,
    request: Request,
    server: BunServer,
  ): Promise<Response | undefined> {
    if ((request.headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') return upgradeRequired();
    const problem = handshakeProblemOf(request.method, (name) => request.headers.get(name));
    const handshake = handshakeFromRequest(request, server.requestIP(request)?.address ?? '');
    if (problem) {
      engine.refused(handshake, 400, 'BAD_HANDSHAKE', problem);
      return refusalResponse({ status: 400, code: 'BAD_HANDSHAKE', message: problem });
    }
    const result = await engine.upgrade(handshake);
    if (!result.accepted) return refusalResponse(result);
    if (server.upgrade(request, { data: { connection: result.connection } })) return undefined;
    engine.abandon(result.connection);
    return refusalResponse({ status: 400, code: 'BAD_HANDSHAKE', message: 'Upgrade failed' });
  }

  async close(): Promise<void> {
    await this.bunServer?.stop(true);
  }
}

/** The transport for `bootstrap(AppModule, { port, transport: bunTransport() })` on Bun. */
export function bunTransport(): Transport {
  return new BunTransport();
}
