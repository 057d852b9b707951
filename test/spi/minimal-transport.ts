import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PreparedFrame, Transport, TransportContext, TransportEngine, TransportSocket } from 'ws-controllers/spi';

/** The core's view of one `ws` socket. */
class MinimalSocket implements TransportSocket {
  constructor(private readonly ws: WebSocket) {}
  get readyState(): number {
    return this.ws.readyState;
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  sendText(text: string): void {
    this.ws.send(text);
  }
  sendBinary(data: Uint8Array): void {
    this.ws.send(data);
  }
  sendPrepared(frame: PreparedFrame): void {
    this.ws.send(frame.text); // no pre-framing here: the frame's text is enough
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
  terminate(): void {
    this.ws.terminate();
  }
}

/** Serves WebSockets with `ws` on its own HTTP server; the engine decides every upgrade first. */
export class MinimalTransport implements Transport {
  server: Server | undefined;
  private wss: WebSocketServer | undefined;

  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  async listen(engine: TransportEngine, context: TransportContext): Promise<void> {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: context.maxPayload });
    const server = (this.server = createServer((_req, res) => res.writeHead(426).end()));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(engine, req, socket, head));
    await new Promise<void>((resolve) => server.listen(context.port, context.host ?? '127.0.0.1', resolve));
  }

  private async upgrade(engine: TransportEngine, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const decision = await engine.upgrade({ path: url.pathname, query, headers: { ...req.headers }, remoteAddress: req.socket.remoteAddress ?? '' });
    if (!decision.accepted) {
      const body = JSON.stringify({ code: decision.code, message: decision.message });
      const head = `HTTP/1.1 ${decision.status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
      socket.end(head + body);
      return;
    }
    const connection = decision.connection;
    let opened = false;
    this.wss!.handleUpgrade(req, socket, head, (ws) => {
      opened = true;
      ws.on('message', (data: Buffer, isBinary: boolean) => engine.message(connection, isBinary ? new Uint8Array(data) : data.toString(), isBinary));
      ws.on('close', (code: number, reason: Buffer) => engine.closed(connection, code, reason.toString()));
      engine.open(connection, new MinimalSocket(ws));
    });
    if (!opened) engine.abandon(connection); // ws refused the handshake itself (or the peer left)
  }

  prepare(text: string): PreparedFrame {
    return { text };
  }

  async close(): Promise<void> {
    this.wss?.close();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
