/**
 * @module deno/deno-transport
 * The Deno transport: `Deno.serve` with `Deno.upgradeWebSocket`.
 */
import { CloseCodes, handshakeProblemOf, WebStandardSocket, handshakeFromRequest, refusalResponse, upgradeRequired, type ConnectionRef, type PreparedFrame, type Transport, type TransportContext, type TransportEngine } from '../spi';
import { denoRuntime, type DenoHttpServer } from './deno-types';

/** Close code for a message over `maxPayload`. */
const encoder = new TextEncoder();

// Deno has no frame-size limit option, so the limit is checked on each message as it arrives.
function overLimit(data: string | ArrayBuffer, maxPayload: number): boolean {
  if (typeof data !== 'string') return data.byteLength > maxPayload;
  if (data.length > maxPayload) return true; // every UTF-16 unit is at least one byte
  return data.length * 3 > maxPayload && encoder.encode(data).byteLength > maxPayload;
}

/** Serves the app with `Deno.serve`. */
export class DenoTransport implements Transport {
  private denoServer?: DenoHttpServer;

  get port(): number {
    return this.denoServer?.addr.port ?? 0;
  }

  get server(): DenoHttpServer | undefined {
    return this.denoServer;
  }

  prepare(text: string): PreparedFrame {
    return { text };
  }

  async listen(engine: TransportEngine, context: TransportContext): Promise<void> {
    if (context.server !== undefined) {
      throw new Error(
        'denoTransport() cannot attach to a Node http server: drop the `server` option (Deno serves its own port).',
      );
    }
    const deno = denoRuntime();
    await new Promise<void>((resolve) => {
      this.denoServer = deno.serve(
        { port: context.port, hostname: context.host, onListen: () => resolve() },
        async (request, info) => {
          if ((request.headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') return upgradeRequired();
          const problem = handshakeProblemOf(request.method, (name) => request.headers.get(name));
          const handshake = handshakeFromRequest(request, info.remoteAddr.hostname);
          if (problem) {
            engine.refused(handshake, 400, 'BAD_HANDSHAKE', problem);
            return refusalResponse({ status: 400, code: 'BAD_HANDSHAKE', message: problem });
          }
          const result = await engine.upgrade(handshake);
          if (!result.accepted) return refusalResponse(result);
          return this.accept(engine, request, result.connection, context.maxPayload);
        },
      );
    });
  }

  private accept(
    engine: TransportEngine,
    request: Request,
    connection: ConnectionRef,
    maxPayload: number,
  ): Response {
    const { socket, response } = denoRuntime().upgradeWebSocket(request);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => engine.open(connection, new WebStandardSocket(socket));
    socket.onmessage = (event) => {
      const data = event.data;
      if (overLimit(data, maxPayload)) return socket.close(CloseCodes.MESSAGE_TOO_BIG.code, CloseCodes.MESSAGE_TOO_BIG.reason);
      if (typeof data === 'string') engine.message(connection, data, false);
      else engine.message(connection, new Uint8Array(data), true);
    };
    socket.onclose = (event) => engine.closed(connection, event.code, event.reason);
    return response;
  }

  async close(): Promise<void> {
    await this.denoServer?.shutdown();
  }
}

/** The transport for `bootstrap(AppModule, { port, transport: denoTransport() })` on Deno. */
export function denoTransport(): Transport {
  return new DenoTransport();
}
