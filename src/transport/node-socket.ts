/**
 * @module transport/node-socket
 * Node's `ws` WebSocket, extended with the core's socket interface (no wrapper object per client).
 * The fast paths it takes (pre-framed fan-out, write batching) are the transport's probed ones.
 */
import type { ConnectionRef, PreparedFrame, TransportSocket } from '../spi';
import WebSocket from 'ws';
import type { BatchedSocket, WriteBatcher } from './write-batcher';
import { senderIdle, writeFrame, type FrameList } from './ws-internals';

/** A frame built once by `ws`'s own framer, shared by every recipient (absent when pre-framing is off). */
export interface NodePreparedFrame extends PreparedFrame {
  readonly frame?: FrameList;
}

/** The transport's listeners for ws's events on an accepted socket, shared by all its sockets. */
export interface SocketHooks {
  message(this: NodeSocket, data: Buffer, isBinary: boolean): void;
  close(this: NodeSocket, code: number, reason: Buffer): void;
  pong(this: NodeSocket): void;
  /** Absent when pings are not counted. */
  ping: ((this: NodeSocket) => void) | undefined;
  error(this: NodeSocket, err: Error): void;
}

/** `ws`'s server-side socket with the core's `TransportSocket` methods. */
export class NodeSocket extends WebSocket implements TransportSocket, BatchedSocket {
  /** @internal Whether the net socket is corked until the end of this tick. */
  corked = false;
  /** @internal The net socket handed to ws (corked by the batcher). */
  raw: { cork(): void; uncork(): void } | undefined = undefined;
  /** @internal The transport's write batcher (none for side channels). */
  batcher: WriteBatcher | undefined = undefined;
  /** @internal The connection this socket serves (read by the transport's shared listeners). */
  connection: ConnectionRef | undefined = undefined;
  /** @internal Bytes this socket holds for the memory budget (unfinished input; output is sampled). */
  heldBytes = 0;
  /** @internal A whole message arrived since the last chunk was accounted (the budget's fallback meter). */
  sawMessage = false;
  /** @internal The heartbeat's ping is unanswered. */
  awaitingPong = false;
  /** @internal The transport's registry of open sockets (links on the socket, no hash table). */
  listOwner: object | undefined = undefined;
  /** @internal */
  listPrev: NodeSocket | undefined = undefined;
  /** @internal */
  listNext: NodeSocket | undefined = undefined;

  /** @internal The transport's hooks, once accepted (side channels have none and use listeners). */
  hooks: SocketHooks | undefined = undefined;

  /**
   * ws reports every event through `emit`: an accepted socket's go straight to the transport's hooks,
   * so a socket needs no listener of its own (five `on` calls and their arrays per connection). Other
   * listeners, if anyone adds some, still get every event.
   */
  override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
    const hooks = this.hooks;
    // Handled by a hook: only listeners someone added besides still get it (and an 'error' nobody
    // listens to must not reach EventEmitter, which would throw it).
    if (hooks !== undefined && hooked(this, hooks, event, a, b) && this.listenerCount(event) === 0) return true;
    // eslint-disable-next-line prefer-rest-params -- forwards whatever ws passed, with no array per event
    return super.emit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
  }

  /** Uncorks now what would be uncorked at the end of the tick (the slow-consumer check needs the truth). */
  flush(): void {
    if (this.corked) this.batcher?.release(this);
  }

  sendText(text: string): void {
    this.batcher?.hold(this);
    this.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.batcher?.hold(this);
    this.send(data, { binary: true });
  }

  sendPrepared(frame: PreparedFrame): void {
    this.batcher?.hold(this);
    const prepared = (frame as NodePreparedFrame).frame;
    // The shared frame can be written directly only when this socket compresses nothing and has
    // no frame waiting in ws's queue; otherwise ws frames the text itself.
    if (prepared !== undefined && this.extensions === '' && senderIdle(this)) writeFrame(this, prepared);
    else this.send(frame.text);
  }
}

// Runs the hook for one of ws's events; false for an event no hook takes.
function hooked(socket: NodeSocket, hooks: SocketHooks, event: string | symbol, a: unknown, b: unknown): boolean {
  switch (event) {
    case 'message':
      hooks.message.call(socket, a as Buffer, b as boolean);
      return true;
    case 'pong':
      hooks.pong.call(socket);
      return true;
    case 'ping':
      hooks.ping?.call(socket);
      return true;
    case 'close':
      hooks.close.call(socket, a as number, b as Buffer);
      return true;
    case 'error':
      hooks.error.call(socket, a as Error);
      return true;
    default:
      return false;
  }
}
