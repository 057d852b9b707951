/**
 * @module transport/node-socket
 * Node's `ws` WebSocket, extended with the core's socket interface (no wrapper object per client).
 */
import type { ConnectionRef, PreparedFrame, TransportSocket } from '../spi';
import WebSocket from 'ws';

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

// Coalescing state shared by all sockets. `burst` is set while the frame being handled has more
// frames behind it in the chunk just read; sockets written to meanwhile stay corked until the
// nextTick queue runs after the current I/O callback.
let burst = false;
let tickScheduled = false;
const corkedSockets: NodeSocket[] = [];

function endTick(): void {
  tickScheduled = false;
  burst = false;
  for (let i = 0; i < corkedSockets.length; i++) {
    const socket = corkedSockets[i]!;
    socket.corked = false;
    (socket as unknown as { _socket: NetSocketLike })._socket.uncork();
  }
  corkedSockets.length = 0;
}

/** `ws`'s server-side socket with the core's `TransportSocket` methods. */
export class NodeSocket extends WebSocket implements TransportSocket {
  /** @internal Whether the net socket is corked until the end of this tick. */
  corked = false;
  /** @internal The connection this socket serves (read by the transport's shared listeners). */
  connection: ConnectionRef | undefined = undefined;

  /**
   * Coalesces the frames written while a burst is being handled: when more frames wait in the chunk
   * being read, the net socket is corked until the tick ends, so the replies to 16 messages read in
   * one chunk (or 8 broadcasts to the same subscribers) leave in one writev instead of one each.
   * A lone message (no burst) pays nothing: its reply goes out at once, as with raw ws.
   * ws corks around each frame too; corks nest, so its uncork no longer flushes early.
   */
  private coalesce(): void {
    if (!burst || this.corked) return;
    const raw = (this as unknown as { _socket?: NetSocketLike })._socket;
    if (raw === undefined) return;
    this.corked = true;
    raw.cork();
    corkedSockets.push(this);
    if (!tickScheduled) {
      tickScheduled = true;
      process.nextTick(endTick);
    }
  }

  /** Uncorks now what would be uncorked at the end of the tick (the slow-consumer check needs the truth). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false; // endTick may uncork it once more: a no-op on an uncorked net socket
    (this as unknown as { _socket: NetSocketLike })._socket.uncork();
  }

  /**
   * @internal Called before a received frame is handled: notes whether more frames already wait in
   * the same chunk, in which case the writes they cause (to this socket or to others) are corked
   * from the first one.
   */
  received(): void {
    const receiver = (this as unknown as { _receiver?: { _bufferedBytes: number } })._receiver;
    burst = receiver !== undefined && receiver._bufferedBytes > 0;
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
