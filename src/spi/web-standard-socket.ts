/**
 * @module spi/web-standard-socket
 * A socket with the web API's shape (`readyState`, `send`, `close`, `bufferedAmount`) seen through the
 * core's interface. Runtimes whose server sockets follow that shape (Deno, Bun) build on it.
 */
import type { PreparedFrame, TransportSocket } from './transport';

/** The part of a web-style server socket this adapter needs. */
export interface StandardSocketLike {
  readonly readyState: number;
  send(data: string | Uint8Array): unknown;
  close(code?: number, reason?: string): void;
}

/** Adapts a web-style socket; subclasses override what their runtime does differently. */
export class WebStandardSocket<
  S extends StandardSocketLike = StandardSocketLike & { readonly bufferedAmount: number },
> implements TransportSocket {
  constructor(protected readonly ws: S) {}

  get readyState(): number {
    return this.ws.readyState;
  }

  get bufferedAmount(): number {
    return (this.ws as unknown as { bufferedAmount?: number }).bufferedAmount ?? 0;
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.ws.send(data);
  }

  sendPrepared(frame: PreparedFrame): void {
    // These runtimes cannot reuse a frame: the text is encoded once and sent per socket.
    this.ws.send(frame.text);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    // The web API has no abort: close without waiting for the peer.
    this.ws.close();
  }
}
