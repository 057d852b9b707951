/**
 * @module transport/node-ws-transport
 * Node's transport, on `ws`: its own HTTP server or the user's, upgrades routed by path,
 * `@OnConnect` decided before the handshake completes. The only file that drives `ws`.
 */
import { handshakeProblem, type Logger, type ConnectionRef, type Handshake, type PreparedFrame, type SideChannel, type SideRefusal, type SideRoutes, type Transport, type TransportEngine } from '../spi';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WsDeflateSetting } from './deflate';
import { Heartbeat } from './heartbeat';
import { PING_FLOOD_CLOSE, PingGuard } from './ping-guard';
import { writeRefusal } from './http-refusal';
import { NodeSocket, prepareTextFrame } from './node-socket';
import { interceptRequests, serveSideRoute } from './node-side-routes';

/** Options of the Node transport. */
export interface NodeWsTransportOptions {
  port: number;
  host?: string | undefined;
  server?: Server | HttpsServer | undefined;
  maxPayload: number;
  logger: Logger;
  /** permessage-deflate as `ws` takes it. @default false */
  perMessageDeflate?: WsDeflateSetting | undefined;
  /** Ping interval (one timer for all sockets); 0 turns it off. @default 30000 */
  heartbeatIntervalMs?: number | undefined;
  /** Pings a peer may send per 10 s before it is closed with 1008; 0 turns it off. @default 100 */
  maxPingsPer10s?: number | undefined;
}

/** The per-socket listeners, shared by all sockets of a transport (`ws` calls them with the socket as `this`). */
interface SocketListeners {
  message(this: WebSocket, data: Buffer, isBinary: boolean): void;
  close(this: WebSocket, code: number, reason: Buffer): void;
  pong(this: WebSocket): void;
  ping(this: WebSocket): void;
  error(this: WebSocket, err: Error): void;
}

/** Serves WebSockets with `ws` on Node's HTTP server. */
export class NodeWsTransport implements Transport {
  private wss?: WebSocketServer;
  private httpServer?: Server | HttpsServer;
  private ownsServer = false;
  private engine?: TransportEngine;
  private readonly upgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.onUpgrade(req, socket, head);
  // One shared listener: a closure made inside onUpgrade would keep its whole scope (the request,
  // its headers, the head buffer) alive for as long as the socket lives.
  private readonly upgradeErrorListener = (err: Error): void => this.options.logger.debug({ err }, 'upgrade socket error');
  private sideRoutes?: SideRoutes;
  private restoreRequests?: () => void;

  private readonly heartbeat: Heartbeat<NodeSocket>;
  private readonly pingGuard: PingGuard<NodeSocket>;

  constructor(private readonly options: NodeWsTransportOptions) {
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs ?? 30_000);
    this.pingGuard = new PingGuard(options.maxPingsPer10s ?? 100);
  }

  get port(): number {
    const address = this.httpServer?.address() as AddressInfo | string | null | undefined;
    return address && typeof address === 'object' ? address.port : 0;
  }

  get server(): Server | HttpsServer | undefined {
    return this.httpServer;
  }

  prepare(text: string): PreparedFrame {
    return prepareTextFrame(text);
  }

  useSideRoutes(routes: SideRoutes): void {
    this.sideRoutes = routes;
  }

  async listen(engine: TransportEngine): Promise<void> {
    this.engine = engine;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxPayload,
      perMessageDeflate: this.options.perMessageDeflate ?? false,
      clientTracking: false,
      WebSocket: NodeSocket,
    });
    const server = this.options.server ?? createServer((req, res) => {
      if (this.sideRoutes && serveSideRoute(this.sideRoutes, req, res, this.options.logger)) return;
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', ConnectionRef: 'Upgrade' });
      res.end('Upgrade Required: this server speaks WebSocket\n');
    });
    this.ownsServer = this.options.server === undefined;
    this.httpServer = server;
    if (!this.ownsServer && this.sideRoutes) this.restoreRequests = interceptRequests(server, this.sideRoutes, this.options.logger);
    server.on('upgrade', this.upgradeListener);
    this.heartbeat.start();
    if (this.ownsServer) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port, this.options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const engine = this.engine;
    if (!engine) return;
    // A peer resetting mid-handshake must never crash the process.
    socket.on('error', this.upgradeErrorListener);
    const problem = handshakeProblem(req);
    if (problem) return writeRefusal(socket, 400, 'BAD_HANDSHAKE', problem);
    const handshake = toHandshake(req);
    const side = this.sideRoutes?.upgrade(handshake);
    if (side) return this.openSide(req, socket, head, side);
    engine.upgrade(handshake).then(
      (result) => {
        if (!result.accepted) return writeRefusal(socket, result.status, result.code, result.message);
        const connection = result.connection;
        if (socket.destroyed || !socket.writable) return engine.abandon(connection);
        let opened = false;
        this.wss!.handleUpgrade(req, socket, head, (ws) => {
          opened = true;
          this.accept(ws as NodeSocket, connection);
        });
        // ws completes (or aborts) the handshake synchronously here; an aborted one never opens.
        if (!opened) engine.abandon(connection);
      },
      (err: unknown) => {
        this.options.logger.error({ err }, 'upgrade failed');
        writeRefusal(socket, 500, 'INTERNAL_ERROR', 'Internal server error');
      },
    );
  }

  // A side channel (e.g. the admin view) is not a controller client: the engine never sees it.
  private openSide(req: IncomingMessage, socket: Duplex, head: Buffer, side: SideChannel | SideRefusal): void {
    if ('status' in side) return writeRefusal(socket, side.status, side.code, side.message);
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) side.message(data.toString());
      });
      ws.on('close', () => side.closed());
      ws.on('error', (err: Error) => this.options.logger.debug({ err }, 'side channel socket error'));
      side.open(ws as NodeSocket);
    });
  }

  private accept(ws: NodeSocket, connection: ConnectionRef): void {
    const engine = this.engine!;
    const listeners = (this.listeners ??= this.socketListeners(engine));
    ws.connection = connection;
    ws.on('message', listeners.message);
    ws.on('close', listeners.close);
    ws.on('pong', listeners.pong);
    if (this.pingGuard.enabled) ws.on('ping', listeners.ping);
    this.heartbeat.add(ws);
    ws.on('error', listeners.error);
    engine.open(connection, ws);
  }

  private listeners?: SocketListeners;

  // Listeners shared by every socket (`this` is the socket, which knows its connection): closures
  // per socket would cost five functions and a context for each of 10,000 idle connections.
  private socketListeners(engine: TransportEngine): SocketListeners {
    const { heartbeat, pingGuard } = this;
    const logger = this.options.logger;
    return {
      message(data, isBinary) {
        (this as NodeSocket).received();
        engine.message((this as NodeSocket).connection!, isBinary ? data : data.toString(), isBinary);
      },
      close(code, reason) {
        heartbeat.delete(this as NodeSocket);
        engine.closed((this as NodeSocket).connection!, code, reason.toString());
      },
      pong() {
        heartbeat.alive(this as NodeSocket);
      },
      ping() {
        if (!pingGuard.allow(this as NodeSocket)) this.close(PING_FLOOD_CLOSE.code, PING_FLOOD_CLOSE.reason);
      },
      error(err) {
        logger.debug({ err, clientId: (this as NodeSocket).connection?.id }, 'socket error');
      },
    };

  }


  async close(): Promise<void> {
    const server = this.httpServer;
    if (!server) return;
    server.off('upgrade', this.upgradeListener);
    this.restoreRequests?.();
    this.sideRoutes?.close?.();
    this.heartbeat.stop();
    this.wss?.close();
    if (this.ownsServer) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server).closeAllConnections?.();
      });
    }
  }
}

function toHandshake(req: IncomingMessage): Handshake {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  // fromEntries defines own properties, so a `__proto__` parameter cannot reach the prototype.
  const query = queryStart === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryStart + 1)));
  return { path, query, headers: { ...req.headers }, remoteAddress: req.socket.remoteAddress ?? '' };
}
