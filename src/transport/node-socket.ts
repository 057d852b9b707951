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
