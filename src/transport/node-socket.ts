/**
 * @module transport/node-socket
 * Node's `ws` WebSocket, extended with the core's socket interface (no wrapper object per client).
 */
import WebSocket from 'ws';
import type { Connection } from '../clients/connection';
import type { PreparedFrame, TransportSocket } from './transport';

/** A frame built once by `ws`'s own framer, shared by every recipient. */
export interface NodePreparedFrame extends PreparedFrame {
  readonly frame: (Buffer | string)[];
}

interface SenderInternals {
  _state: number;
  sendFrame(list: (Buffer | string)[], cb?: () => void): void;
}

interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): (Buffer | string)[];
}

interface NetSocketLike {
  cork(): void;
  uncork(): void;
}

const Sender = (WebSocket as unknown as { Sender: SenderStatic }).Sender;
const SENDER_IDLE = 0; // ws's Sender DEFAULT state: nothing queued behind compression

/** Frames a text message once (unmasked, as servers send). */
export function prepareTextFrame(text: string): NodePreparedFrame {
  return { text, frame: Sender.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }) };
}

// Runs once per corked socket per tick: everything written to it meanwhile leaves in one writev.
function uncork(socket: NodeSocket): void {
  socket.corked = false;
  (socket as unknown as { _socket: NetSocketLike })._socket.uncork();
}

/** `ws`'s server-side socket with the core's `TransportSocket` methods. */
export class NodeSocket extends WebSocket implements TransportSocket {
  /** @internal Whether the net socket is corked until the end of this tick. */
  corked = false;
  /** @internal The connection this socket serves (read by the transport's shared listeners). */
  connection: Connection | undefined = undefined;

  /**
   * Corks the underlying net socket on the first write of a tick and uncorks it on the next tick:
   * the replies to a burst of messages read in one chunk leave in one syscall instead of one each.
   * ws corks around each frame too; corks nest, so its uncork no longer flushes early.
   */
  private coalesce(): void {
    if (this.corked) return;
    const raw = (this as unknown as { _socket?: NetSocketLike })._socket;
    if (raw === undefined) return;
    this.corked = true;
    raw.cork();
    process.nextTick(uncork, this);
  }

  /** Uncorks now what would be uncorked at the end of the tick (the slow-consumer check needs the truth). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false; // the scheduled uncork may run once more: a no-op on an uncorked net socket
    (this as unknown as { _socket: NetSocketLike })._socket.uncork();
  }

  sendText(text: string): void {
    this.coalesce();
    this.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.coalesce();
    this.send(data, { binary: true });
  }

  sendPrepared(frame: PreparedFrame): void {
    this.coalesce();
    const sender = (this as unknown as { _sender?: SenderInternals })._sender;
    const prepared = (frame as NodePreparedFrame).frame;
    // The shared frame can be written directly only when this socket compresses nothing and has
    // no frame waiting in ws's queue; otherwise ws frames the text itself.
    if (prepared !== undefined && sender !== undefined && sender._state === SENDER_IDLE && this.extensions === '') {
      sender.sendFrame(prepared);
    } else {
      this.send(frame.text);
    }
  }
}
