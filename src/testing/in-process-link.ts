/**
 * @module testing/in-process-link
 * Two connected WebSocket ends in memory, with the behaviour of a real socket that tests can
 * observe: frames arrive asynchronously and in order (never re-entrantly), the closing handshake
 * runs both ways (each end reports the code it received, 1005 for none, 1006 when dropped), and
 * a message over the receiver's `maxPayload` closes the connection with 1009.
 */
import { ReadyState } from '../spi';
import { ABNORMAL_CLOSURE, checkClose, MESSAGE_TOO_BIG, NO_STATUS_RECEIVED } from './close-codes';
import type { PipeListener } from './pipe';

/** One end of an in-memory connection. */
export class LinkEnd {
  private state: number = ReadyState.OPEN;
  private closeSent = false;
  private received: { code: number; reason: string } | undefined;
  /** The other end (set by `createLink`). */
  peer!: LinkEnd;
  /** Who hears what arrives at this end (set before the first frame can arrive). */
  listener!: PipeListener;

  constructor(private readonly maxPayload: number) {}

  get readyState(): number {
    return this.state;
  }

  /** Sends a frame; frames sent once the end is closing are dropped, as `ws` drops them. */
  send(data: string | Uint8Array, isBinary: boolean): void {
    if (this.state !== ReadyState.OPEN) return;
    // Copy binary data: the sender may reuse its buffer, and a real socket would have copied it.
    const frame = isBinary ? Buffer.from(data as Uint8Array) : (data as string);
    const peer = this.peer;
    setImmediate(() => peer.arrive(frame, isBinary));
  }

  /** Starts (or answers) the closing handshake. */
  close(code?: number, reason?: string): void {
    checkClose(code, reason);
    if (this.state === ReadyState.CLOSED || this.closeSent) return;
    this.state = ReadyState.CLOSING;
    this.sendClose(code, code === undefined ? '' : (reason ?? ''));
  }

  /** Drops the connection without a closing handshake: both ends see 1006. */
  terminate(): void {
    if (this.state === ReadyState.CLOSED) return;
    this.finish(ABNORMAL_CLOSURE, '');
    const peer = this.peer;
    setImmediate(() => peer.finish(ABNORMAL_CLOSURE, ''));
  }

  private sendClose(code: number | undefined, reason: string): void {
    this.closeSent = true;
    const peer = this.peer;
    setImmediate(() => peer.arriveClose(code ?? NO_STATUS_RECEIVED, reason));
    if (this.received) this.finish(this.received.code, this.received.reason);
  }

  private arrive(data: string | Buffer, isBinary: boolean): void {
    if (this.state === ReadyState.CLOSED || this.received) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (size > this.maxPayload) {
      // As ws does: the oversized message is not delivered and the receiver closes with 1009.
      if (!this.closeSent) this.close(MESSAGE_TOO_BIG);
      return;
    }
    this.listener.frame(data, isBinary);
  }

  private arriveClose(code: number, reason: string): void {
    if (this.state === ReadyState.CLOSED || this.received) return;
    this.received = { code, reason };
    if (this.closeSent) {
      this.finish(code, reason);
      return;
    }
    // Echo the peer's close frame, as ws does, then report the code that was received.
    this.state = ReadyState.CLOSING;
    this.sendClose(code === NO_STATUS_RECEIVED ? undefined : code, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.state === ReadyState.CLOSED) return;
    this.state = ReadyState.CLOSED;
    this.listener.closed(code, reason);
  }
}

/** Two connected ends: `[client, server]`. */
export function createLink(maxPayload: { client: number; server: number }): [LinkEnd, LinkEnd] {
  const client = new LinkEnd(maxPayload.client);
  const server = new LinkEnd(maxPayload.server);
  client.peer = server;
  server.peer = client;
  return [client, server];
}
