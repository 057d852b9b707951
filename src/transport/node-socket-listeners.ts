/**
 * @module transport/node-socket-listeners
 * The per-socket listeners, shared by every socket of a transport (`ws` calls them with the socket
 * as `this`, the net socket's data listener with the net socket): closures per socket would cost
 * six functions and a context for each of 10,000 idle connections.
 */
import type { TransportEngine } from '../spi';
import type { Heartbeat } from './heartbeat';
import type { MemoryBudget } from './memory-budget';
import type { NodeSocket, SocketHooks } from './node-socket';
import { PING_FLOOD_CLOSE, type PingGuard } from './ping-guard';
import type { WriteBatcher } from './write-batcher';
import { moreBuffered, receiverHeldBytes, type WsFastPaths } from './ws-internals';
import type { Logger } from '../spi';
import type WebSocket from 'ws';

/** How long a peer that broke the protocol has to read its close frame before it is dropped. */
export const PROTOCOL_ERROR_GRACE_MS = 1000;

/** The hooks one transport gives each accepted socket, and the net socket's data listener. */
export interface SocketListeners extends SocketHooks {
  /** On the net socket: accounts the bytes the socket holds after ws read a chunk. */
  data(this: object, chunk: Buffer): void;
}

/** What the listeners need of their transport. */
export interface ListenerContext {
  readonly heartbeat: Heartbeat<NodeSocket>;
  readonly pingGuard: PingGuard<NodeSocket>;
  readonly batcher: WriteBatcher;
  readonly budget: MemoryBudget<NodeSocket>;
  readonly fastPaths: WsFastPaths;
  readonly logger: Logger;
  /** The symbol under which the net socket keeps its WebSocket. */
  readonly socketKey: symbol;
}

const terminate = (ws: WebSocket): void => ws.terminate();

/** Builds the listeners of one transport. */
export function socketListeners(engine: TransportEngine, context: ListenerContext): SocketListeners {
  const { heartbeat, pingGuard, batcher, budget, logger, socketKey } = context;
  const { batch, receiverBytes } = context.fastPaths;
  return {
    message: batch
      ? function (data, isBinary) {
          batcher.frame(moreBuffered(this));
          this.sawMessage = true;
          engine.message(this.connection!, isBinary ? data : data.toString(), isBinary);
        }
      : function (data, isBinary) {
          this.sawMessage = true;
          engine.message(this.connection!, isBinary ? data : data.toString(), isBinary);
        },
    close(code, reason) {
      budget.delete(this); // out of the registry the heartbeat pings too
      engine.closed(this.connection!, code, reason.toString());
    },
    pong() {
      heartbeat.alive(this);
    },
    ping: pingGuard.enabled
      ? function () {
          if (!pingGuard.allow(this)) this.close(PING_FLOOD_CLOSE.code, PING_FLOOD_CLOSE.reason);
        }
      : undefined,
    error(err) {
      logger.debug({ err, clientId: this.connection?.id }, 'socket error');
      // A protocol violation (too many fragments, too big, bad frame): ws has sent its close frame and
      // would wait 30 s for the peer's, holding what the peer sent. An attacker never answers.
      if ((err as { code?: unknown }).code !== undefined && String((err as { code?: unknown }).code).startsWith('WS_ERR_')) {
        setTimeout(terminate, PROTOCOL_ERROR_GRACE_MS, this).unref();
      }
    },
    data(chunk) {
      const ws = (this as Record<symbol, NodeSocket | undefined>)[socketKey];
      if (ws === undefined) return;
      // Exact from the receiver when probed; else the bytes read since the last whole message
      // (an undercount by at most the chunk a message ended in).
      const held = receiverBytes ? receiverHeldBytes(ws) : ws.sawMessage ? 0 : ws.heldBytes + chunk.length;
      ws.sawMessage = false;
      budget.update(ws, held);
    },
  };
}
