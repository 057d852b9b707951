/**
 * A process that holds no sockets: a plain `http` server whose handler calls the emitter (the
 * shape of an HTTP API sending to WebSocket clients). Argument: JSON of EmitterOptions. Prints
 * `{"port"}` once listening; on stdin's end closes the emitter, then the server, and exits.
 * POST /emit {rooms, except?, event, payload}, /broadcast {event, payload, path?, except?},
 * /send {clientId, event, payload}, /disconnect {clientId, code?, reason?} answer 200 {result}, or
 * {code, message} with 503 (CLUSTER_UNAVAILABLE), 502 (PROTOCOL_VERSION_MISMATCH) or 400.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  ClusterUnavailableError,
  createEmitter,
  ProtocolVersionError,
  type EmitterOptions,
} from 'ws-controllers/emitter';

interface Body {
  rooms?: string[];
  except?: string[];
  event?: string;
  payload?: unknown;
  path?: string;
  clientId?: string;
  code?: number;
  reason?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as EmitterOptions;
const emitter = createEmitter({ ...options, logger: false });

async function route(url: string, body: Body): Promise<unknown> {
  switch (url) {
    case '/emit':
      return emitter
        .to(body.rooms ?? [])
        .except(body.except ?? [])
        .emit(body.event ?? '', body.payload);
    case '/broadcast':
      return emitter.broadcast(body.event ?? '', body.payload, { path: body.path, except: body.except });
    case '/send':
      return emitter.send(body.clientId ?? '', body.event ?? '', body.payload);
    case '/disconnect':
      return emitter.disconnect(body.clientId ?? '', body.code, body.reason);
    case '/connected':
      return emitter.isConnected();
    default:
      throw new TypeError(`no route ${url}`);
  }
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    const result = await route(req.url ?? '', (text ? JSON.parse(text) : {}) as Body);
    reply(res, 200, { result: result ?? null });
  } catch (error) {
    const status =
      error instanceof ClusterUnavailableError ? 503 : error instanceof ProtocolVersionError ? 502 : 400;
    const { code, message } = error as { code?: string; message: string };
    reply(res, status, { code: code ?? 'BAD_REQUEST', message });
  }
}

const server = createServer((req, res) => void handle(req, res));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.stdin.on('end', () => {
  const started = Date.now();
  void emitter.close().then(() => {
    process.stdout.write(`${JSON.stringify({ closedInMs: Date.now() - started })}\n`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
});
process.stdin.resume();
