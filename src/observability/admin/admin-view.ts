/**
 * @module observability/admin/admin-view
 * The admin view's endpoints: the page (HTTP GET) and its live feed (a WebSocket on the same path).
 * Admin sockets are side channels: the engine, the hub and the metrics never see them.
 */
import { CloseCodes } from '../../protocol/close-codes';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../util/logger';
import type { Hub } from '../../rooms/hub';
import type {
  Handshake,
  SideChannel,
  SideRefusal,
  SideRequest,
  SideResponse,
  TransportSocket,
} from '../../spi/transport';
import { onlyGet } from '../http-response';
import type { AdminOptions } from '../options';
import type { TrafficStats } from '../traffic-stats';
import { adminPage, tokenPage } from './admin-page';
import { SnapshotBuilder } from './admin-snapshot';
import { presentedToken, tokenMatches } from './admin-token';

/** Close code and reason a client gets when an operator disconnects it. */
export const ADMIN_DISCONNECT = CloseCodes.ADMIN_DISCONNECT;

// An admin page that cannot keep up skips refreshes rather than queueing them.
const MAX_ADMIN_BUFFER = 1024 * 1024;

/** Serves the admin page and its sockets. */
export class AdminView {
  readonly path: string;
  private readonly token: string;
  private readonly refreshMs: number;
  private readonly sockets = new Set<TransportSocket>();
  private readonly snapshots: SnapshotBuilder;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    options: AdminOptions,
    private readonly hub: Hub,
    stats: TrafficStats,
    private readonly logger: Logger,
  ) {
    if (typeof options.token !== 'string' || options.token.length === 0) {
      throw new Error(
        'ws-controllers: `admin` needs a non-empty `token` (the admin view is never served unprotected)',
      );
    }
    this.path = options.path ?? '/admin';
    this.token = options.token;
    this.refreshMs = options.refreshMs ?? 1000;
    this.snapshots = new SnapshotBuilder(hub, stats);
  }

  /** The page, a token form, or undefined for other paths. */
  request(req: SideRequest): SideResponse | undefined {
    if (req.path !== this.path) return undefined;
    const refused = onlyGet(req);
    if (refused) return refused;
    const nonce = randomBytes(16).toString('base64');
    const token = presentedToken(req);
    const allowed = tokenMatches(this.token, token);
    return {
      status: allowed ? 200 : 401,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self' ws: wss:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      },
      body: allowed ? adminPage(nonce) : tokenPage(nonce, token !== undefined),
    };
  }

  /** Opens the live feed for a valid token; refuses others with 401. */
  upgrade(handshake: Handshake): SideChannel | SideRefusal | undefined {
    if (handshake.path !== this.path) return undefined;
    if (!tokenMatches(this.token, presentedToken(handshake))) {
      return { status: 401, code: 'UNAUTHORIZED', message: 'The admin view needs a valid token' };
    }
    let socket: TransportSocket | undefined;
    return {
      open: (opened) => {
        socket = opened;
        this.sockets.add(opened);
        if (this.timer === undefined) {
          this.snapshots.tick();
          this.timer = setInterval(() => this.refresh(), this.refreshMs).unref();
        }
        this.sendTo(opened, JSON.stringify(this.snapshots.build()));
      },
      message: (data) => {
        if (socket) this.command(socket, data);
      },
      closed: () => {
        if (socket) this.sockets.delete(socket);
        if (this.sockets.size === 0) this.stopTimer();
      },
    };
  }

  /** Closes every admin socket (the app is closing). */
  close(): void {
    this.stopTimer();
    for (const socket of this.sockets) socket.close(CloseCodes.SHUTDOWN.code, CloseCodes.SHUTDOWN.reason);
    this.sockets.clear();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private refresh(): void {
    this.snapshots.tick();
    const text = JSON.stringify(this.snapshots.build());
    for (const socket of this.sockets) this.sendTo(socket, text);
  }

  private sendTo(socket: TransportSocket, text: string): void {
    if (socket.readyState === 1 && socket.bufferedAmount < MAX_ADMIN_BUFFER) socket.sendText(text);
  }

  private command(socket: TransportSocket, data: string): void {
    let message: { type?: unknown; id?: unknown };
    try {
      message = JSON.parse(data) as { type?: unknown; id?: unknown };
    } catch {
      return;
    }
    if (message?.type !== 'disconnect' || typeof message.id !== 'string') return;
    const id = message.id;
    this.logger.info({ clientId: id }, 'admin disconnected a client');
    const { code, reason } = ADMIN_DISCONNECT;
    const local = this.hub.disconnectLocal(id, code, reason);
    const done = local ? Promise.resolve(true) : this.hub.adapter.disconnectRemote(id, code, reason);
    done.then(
      (ok) => {
        this.sendTo(socket, JSON.stringify({ type: 'disconnected', id, ok }));
        this.sendTo(socket, JSON.stringify(this.snapshots.build()));
      },
      (err: unknown) => this.logger.error({ err, clientId: id }, 'admin disconnect failed'),
    );
  }
}
