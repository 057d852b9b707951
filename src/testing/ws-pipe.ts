/**
 * @module testing/ws-pipe
 * The test client's socket over a real port: a `ws` client. A refused upgrade rejects with the
 * status and the `{code, message}` body the server wrote.
 */
import WebSocket from 'ws';
import { ConnectionRefusedError } from './errors';
import type { ClientPipe, PipeListener } from './pipe';

class WsPipe implements ClientPipe {
  constructor(private readonly ws: WebSocket) {}

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

function refusalFrom(status: number, body: string): ConnectionRefusedError {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    const code = typeof parsed.code === 'string' ? parsed.code : 'REFUSED';
    const message = typeof parsed.message === 'string' ? parsed.message : `Refused with ${status}`;
    return new ConnectionRefusedError(status, code, message);
  } catch {
    return new ConnectionRefusedError(status, 'REFUSED', body || `Refused with ${status}`);
  }
}

/** Connects a `ws` client to `url`; resolves once open. */
export function connectWs(url: string, headers: Record<string, string>, listener: PipeListener): Promise<ClientPipe> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('message', (data: Buffer, isBinary: boolean) => listener.frame(isBinary ? data : data.toString(), isBinary));
    ws.once('open', () => {
      ws.on('close', (code: number, reason: Buffer) => listener.closed(code, reason.toString()));
      resolve(new WsPipe(ws));
    });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => reject(refusalFrom(response.statusCode ?? 0, body)));
      response.on('error', reject);
    });
    // After the handshake, socket errors end in a 'close' event; before it, they fail the connect.
    ws.on('error', (error) => {
      if (ws.readyState === WebSocket.CONNECTING) reject(error);
    });
  });
}
