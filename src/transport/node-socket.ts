/**
 * @module transport/node-socket
 * Node's `ws` WebSocket, extended with the core's socket interface (no wrapper object per client).
 */
import WebSocket from 'ws';
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

const Sender = (WebSocket as unknown as { Sender: SenderStatic }).Sender;
const SENDER_IDLE = 0; // ws's Sender DEFAULT state: nothing queued behind compression

/** Frames a text message once (unmasked, as servers send). */
export function prepareTextFrame(text: string): NodePreparedFrame {
  return { text, frame: Sender.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }) };
}

/** `ws`'s server-side socket with the core's `TransportSocket` methods. */
export class NodeSocket extends WebSocket implements TransportSocket {
  sendText(text: string): void {
    this.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.send(data, { binary: true });
  }

  sendPrepared(frame: PreparedFrame): void {
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
