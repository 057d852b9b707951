/**
 * @module transport/node-ws-transport
 * Node's transport, on `ws`: its own HTTP server or the user's, upgrades routed by path,
 * `@OnConnect` decided before the handshake completes. The only file that drives `ws`.
 */
import { CloseCodes, handshakeProblem, type Logger, type ConnectionRef, type Handshake, type PreparedFrame, type SideChannel, type SideRefusal, type SideRoutes, type Transport, type TransportEngine, type UpgradeDecision, isThenable } from '../spi';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WsDeflateSetting } from './deflate';
import { Heartbeat } from './heartbeat';
import { PingGuard } from './ping-guard';
import { writeRefusal } from './http-refusal';
import { parseQuery } from './handshake-query';
import { defaultMemoryBudget, MemoryBudget, type EvictionCause } from './memory-budget';
import { NodeSocket, type NodePreparedFrame } from './node-socket';
import { interceptRequests, serveSideRoute } from './node-side-routes';
import { socketListeners, type ListenerContext, type SocketListeners } from './node-socket-listeners';
import { WriteBatcher } from './write-batcher';
import { completeUpgrade, detectFastPaths, frameText, NO_FAST_PATHS, serverOptions, type WsFastPaths } from './ws-internals';

/** Default for `maxFragments`: a 1 MiB message in 4 KiB frames still fits; ws's own default is 16,384. */
export const DEFAULT_MAX_FRAGMENTS = 256;

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
  /** Frames one message may be split into; more close the connection with 1008. @default 256 */
  maxFragments?: number | undefined;
  /**
   * Bytes all connections together may hold in unfinished incoming messages and unsent output.
   * Above 90 % upgrades are refused (503); above it the biggest holders are closed. 0: off.
   * @default a quarter of V8's heap limit
   */
  memoryBudgetBytes?: number | undefined;
}

/** Refusal code for an upgrade while the memory budget is nearly spent (HTTP 503). */
export const OVER_MEMORY_BUDGET = 'OVER_MEMORY_BUDGET';

/** Where the data listener finds the WebSocket of a net socket. */
export const SOCKET = Symbol('ws-controllers.socket');

/** Close frames for connections evicted by the memory budget. */
const EVICTION_CLOSE: Record<EvictionCause, { code: number; reason: string }> = {
  message: CloseCodes.MEMORY_BUDGET_MESSAGE,
  'send-buffer': CloseCodes.MEMORY_BUDGET_SEND,
};

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
  /** ws's server options, when the transport completes plain handshakes itself (the `upgrade` fast path). */
  private ownUpgrade: object | undefined;

  private readonly heartbeat: Heartbeat<NodeSocket>;
  private readonly pingGuard: PingGuard<NodeSocket>;
  /** The write batcher of this transport's sockets. */
  readonly batcher = new WriteBatcher();
  /** The memory budget of this transport's sockets. */
  readonly budget: MemoryBudget<NodeSocket>;
  /** The ws fast paths in use (probed at `listen`; all off before). */
  fastPaths: WsFastPaths = NO_FAST_PATHS;

  constructor(private readonly options: NodeWsTransportOptions) {
    this.pingGuard = new PingGuard(options.maxPingsPer10s ?? 100);
    this.budget = new MemoryBudget(options.memoryBudgetBytes ?? defaultMemoryBudget(), (socket, cause) => evict(socket, cause));
    // The budget's socket set is the transport's registry of open sockets; the heartbeat pings the same set.
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs ?? 30_000, this.budget.sockets);
  }

  get port(): number {
    const address = this.httpServer?.address() as AddressInfo | string | null | undefined;
    return address && typeof address === 'object' ? address.port : 0;
  }

  get server(): Server | HttpsServer | undefined {
    return this.httpServer;
  }

  prepare(text: string): PreparedFrame {
    // Its recipients' writes wait for the end of the tick, so the packets a node delivers in one tick
    // (broadcasts from other nodes read in one chunk, a handler's emits) leave in one write per socket.
    this.batcher.untilTickEnd();
    // Encoded and framed once by ws's own framer, for every recipient; the text alone when that is off.
    if (!this.fastPaths.preframe) return { text };
    const frame: NodePreparedFrame = { text, frame: frameText(text) };
    return frame;
  }

  useSideRoutes(routes: SideRoutes): void {
    this.sideRoutes = routes;
  }

  async listen(engine: TransportEngine): Promise<void> {
    this.engine = engine;
    this.fastPaths = await detectFastPaths((off) =>
      this.options.logger.warn({ off }, 'ws internals changed: these fast paths are off (everything still works, slower)'),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxPayload,
      maxFragments: this.options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
      perMessageDeflate: this.options.perMessageDeflate ?? false,
      clientTracking: false,
      WebSocket: NodeSocket,
    });
    this.ownUpgrade = this.fastPaths.upgrade ? serverOptions(this.wss) : undefined;
    const server = this.options.server ?? createServer((req, res) => {
      if (this.sideRoutes && serveSideRoute(this.sideRoutes, req, res, this.options.logger)) return;
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
      res.end('Upgrade Required: this server speaks WebSocket\n');
    });
    this.ownsServer = this.options.server === undefined;
    this.httpServer = server;
    if (!this.ownsServer && this.sideRoutes) this.restoreRequests = interceptRequests(server, this.sideRoutes, this.options.logger);
    server.on('upgrade', this.upgradeListener);
    this.heartbeat.start();
    this.budget.start();
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
    const problem = handshakeProblem(req, { perMessageDeflate: this.options.perMessageDeflate });
    const handshake = toHandshake(req);
    if (problem) return this.refuse(socket, handshake, 400, 'BAD_HANDSHAKE', problem);
    const side = this.sideRoutes?.upgrade(handshake);
    if (side) return this.openSide(req, socket, head, side);
    if (!this.budget.admits()) {
      return this.refuse(socket, handshake, 503, OVER_MEMORY_BUDGET, 'Server is over its memory budget; retry later', { 'Retry-After': '1' });
    }
    // Completed in this tick when every gate and hook answered synchronously: no promise, no microtask.
    let decision: ReturnType<TransportEngine['decide']>;
    try {
      decision = engine.decide(handshake);
    } catch (err) {
      return this.failed(socket, err);
    }
    if (isThenable(decision)) {
      decision.then(
        (result) => this.complete(engine, req, socket, head, result),
        (err: unknown) => this.failed(socket, err),
      );
    } else this.complete(engine, req, socket, head, decision);
  }

  private complete(engine: TransportEngine, req: IncomingMessage, socket: Duplex, head: Buffer, result: UpgradeDecision): void {
    if (!result.accepted) return writeRefusal(socket, result.status, result.code, result.message);
    const connection = result.connection;
    if (socket.destroyed || !socket.writable) return engine.abandon(connection);
    // A plain handshake, checked already (handshakeProblem): completed here, without ws re-checking it
    // and building its response line by line. A subprotocol or an extension offer goes through ws.
    const own = this.ownUpgrade;
    const headers = req.headers;
    if (own !== undefined && socket.readable && headers['sec-websocket-protocol'] === undefined && (headers['sec-websocket-extensions'] === undefined || !this.options.perMessageDeflate)) {
      // ws's own error listener takes over in setSocket: the socket keeps one listener, not an array of two.
      socket.removeListener('error', this.upgradeErrorListener);
      return this.accept(completeUpgrade(NodeSocket, own, socket, head, headers['sec-websocket-key']!), socket, connection);
    }
    let opened = false;
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      opened = true;
      this.accept(ws as NodeSocket, socket, connection);
    });
    // ws completes (or aborts) the handshake synchronously here; an aborted one never opens.
    if (!opened) engine.abandon(connection);
  }

  private failed(socket: Duplex, err: unknown): void {
    this.options.logger.error({ err }, 'upgrade failed');
    writeRefusal(socket, 500, 'INTERNAL_ERROR', 'Internal server error');
  }

  // Refused here, before the engine decides: the engine still logs and counts it.
  private refuse(socket: Duplex, handshake: Handshake, status: number, code: string, message: string, headers?: Record<string, string>): void {
    this.engine?.refused(handshake, status, code, message);
    writeRefusal(socket, status, code, message, headers);
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

  private accept(ws: NodeSocket, raw: Duplex, connection: ConnectionRef): void {
    const engine = this.engine!;
    const listeners = (this.listeners ??= socketListeners(engine, this.listenerContext()));
    ws.connection = connection;
    ws.raw = raw as unknown as NodeSocket['raw'];
    // Without the `batch` probe no frame starts a burst, but fan-out still corks (public net API only).
    ws.batcher = this.batcher;
    ws.hooks = listeners; // ws's events reach the shared listeners through NodeSocket.emit
    this.budget.add(ws); // the registry of open sockets, which the heartbeat pings too
    if (this.budget.enabled) {
      // ws keeps the WebSocket on the net socket under its own key when probed (no property added here).
      if (this.fastPaths.socketKey === undefined) (raw as Duplex & { [SOCKET]?: NodeSocket })[SOCKET] = ws;
      // After ws's own data listener: the receiver has parsed the chunk when this one runs.
      raw.on('data', listeners.data);
    }
    engine.open(connection, ws);
  }

  private listeners?: SocketListeners;

  private listenerContext(): ListenerContext {
    const { heartbeat, pingGuard, batcher, budget, fastPaths } = this;
    return { heartbeat, pingGuard, batcher, budget, fastPaths, logger: this.options.logger, socketKey: fastPaths.socketKey ?? SOCKET };
  }

  async close(): Promise<void> {
    const server = this.httpServer;
    if (!server) return;
    server.off('upgrade', this.upgradeListener);
    this.ownUpgrade = undefined; // an upgrade decided late goes through ws, which refuses it once closed (503)
    this.restoreRequests?.();
    this.sideRoutes?.close?.();
    this.heartbeat.stop();
    this.budget.stop();
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
  const query = queryStart === -1 ? {} : parseQuery(url.slice(queryStart + 1));
  // The request's own headers object (a plain object made once for it), not a copy of it.
  return new NodeHandshake(path, query, req.headers, req.socket);
}

/**
 * A Node upgrade's handshake. The peer's address costs a `getpeername` system call (a few µs on a
 * small VM, a measurable share of a reconnect storm), so it is read on first use, then kept.
 */
class NodeHandshake implements Handshake {
  private address: string | undefined;

  constructor(
    readonly path: string,
    readonly query: Record<string, string>,
    readonly headers: IncomingMessage['headers'],
    private socket: { readonly remoteAddress?: string | undefined } | undefined,
  ) {}

  get remoteAddress(): string {
    if (this.address === undefined) {
      this.address = this.socket?.remoteAddress ?? '';
      this.socket = undefined;
    }
    return this.address;
  }
}

// A closed connection's memory is freed only once its socket is gone: close, then drop it at once
// (an attacker never answers the closing handshake, and ws would wait 30 s for it).
function evict(socket: NodeSocket, cause: EvictionCause): void {
  const frame = EVICTION_CLOSE[cause];
  socket.flush();
  socket.close(frame.code, frame.reason);
  socket.terminate();
}
