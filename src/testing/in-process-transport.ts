/**
 * @module testing/in-process-transport
 * A `Transport` without a port: `connect()` runs the engine's upgrade decision (gates,
 * `@OnConnect`), then joins the connection to an in-memory socket pair. Everything after the
 * transport is the production pipeline.
 */
import type { ConnectionRef, Handshake, PreparedFrame, Transport, TransportEngine, TransportSocket } from '../spi';
import { ConnectionRefusedError } from './errors';
import { createLink, type LinkEnd } from './in-process-link';
import type { ClientPipe, PipeListener } from './pipe';

/** `ws`'s default `maxPayload` for clients (100 MiB): what a real test client would accept. */
const CLIENT_MAX_PAYLOAD = 100 * 1024 * 1024;

/** The server end of an in-memory connection, as the core sees it. */
class InProcessSocket implements TransportSocket {
  readonly bufferedAmount = 0;

  constructor(private readonly end: LinkEnd) {}

  get readyState(): number {
    return this.end.readyState;
  }

  sendText(text: string): void {
    this.end.send(text, false);
  }

  sendBinary(data: Uint8Array): void {
    this.end.send(data, true);
  }

  sendPrepared(frame: PreparedFrame): void {
    this.end.send(frame.text, false);
  }

  close(code?: number, reason?: string): void {
    this.end.close(code, reason);
  }

  terminate(): void {
    this.end.terminate();
  }
}

/** The client end, as a test client sees it. */
class InProcessPipe implements ClientPipe {
  constructor(private readonly end: LinkEnd) {}

  get readyState(): number {
    return this.end.readyState;
  }

  send(data: string | Uint8Array): void {
    this.end.send(data, typeof data !== 'string');
  }

  close(code?: number, reason?: string): void {
    this.end.close(code, reason);
  }
}

/** Options of the in-process transport. */
export interface InProcessTransportOptions {
  /** Largest message the server accepts; larger ones close the connection with 1009. */
  maxPayload: number;
}

/** Serves an app's controllers to in-process test clients. */
export class InProcessTransport implements Transport {
  readonly port = 0;
  readonly server = undefined;
  private engine: TransportEngine | undefined;
  private stopped = false;

  constructor(private readonly options: InProcessTransportOptions) {}

  async listen(engine: TransportEngine): Promise<void> {
    this.engine = engine;
  }

  prepare(text: string): PreparedFrame {
    return { text };
  }

  async close(): Promise<void> {
    this.stopped = true;
  }

  /**
   * Opens a connection: resolves with the client end once the handshake is accepted, or rejects
   * with a `ConnectionRefusedError` carrying the refusal's status and code.
   */
  async connect(handshake: Handshake, listener: PipeListener): Promise<{ pipe: ClientPipe; connection: ConnectionRef }> {
    const engine = this.engine;
    if (engine === undefined || this.stopped) throw new Error('The testing app is closed');
    const result = await engine.upgrade(handshake);
    if (!result.accepted) throw new ConnectionRefusedError(result.status, result.code, result.message);
    const [client, server] = createLink({ client: CLIENT_MAX_PAYLOAD, server: this.options.maxPayload });
    const connection = result.connection;
    client.listener = listener;
    server.listener = {
      frame: (data, isBinary) => engine.message(connection, data, isBinary),
      closed: (code, reason) => engine.closed(connection, code, reason),
    };
    engine.open(connection, new InProcessSocket(server));
    return { pipe: new InProcessPipe(client), connection };
  }
}
