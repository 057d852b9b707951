/**
 * @module sample-app/server
 * Starts the chat: one HTTP server for the page and the WebSockets, the stores, and the app.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootstrap, type Adapter, type Logger, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { createAppModule } from './app.module';
import { checkNickname, NICKNAME_CHECK_PATH } from './http/nickname-check';
import { createStaticFiles } from './http/static-files';
import { RECOVERY_MAX_PER_ROOM, RECOVERY_WINDOW_MS } from './chat/chat-types';
import { createChatStores, type ChatStores } from './storage/chat-stores';

/** How to start the chat. */
export interface ChatServerOptions {
  /** @default 3000 (0 picks a free port) */
  port?: number;
  /** @default all interfaces */
  host?: string;
  /** Keep channels, nicknames, sessions and room logs in this Redis instead of in memory, and share rooms and clients through it. */
  redisUrl?: string;
  /** Folders holding index.html, styles.css and the bundled app.js. */
  staticDirs: readonly string[];
  /** The framework's logger (`false` for none). */
  logger?: Logger | false;
  /** The scale-out adapter. @default a `RedisAdapter` on the stores' connection with `redisUrl`, else in-memory */
  adapter?: Adapter;
}

/** A running chat. */
export interface ChatServer {
  app: WsApp;
  server: Server;
  stores: ChatStores;
  port: number;
  /** Where a browser opens the page. */
  url: string;
  /** Closes every WebSocket (1001), then the HTTP server and the stores. */
  close(): Promise<void>;
}

/** Starts the chat and resolves once it listens. */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const logger = options.logger;
  const stores = await createChatStores(options.redisUrl, (error) => (logger ? logger.error({ err: error }, 'redis error') : undefined));
  const files = createStaticFiles(options.staticDirs);

  const server = createServer((req, res) => {
    const done = (handled: boolean): void => {
      if (handled) return;
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    };
    const fail = (): void => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal server error\n');
    };
    if (req.url?.startsWith(NICKNAME_CHECK_PATH)) checkNickname(req, res, stores.names).catch(fail);
    else files(req, res).then(done, fail);
  });

  // With Redis, every node sees every room and client: presence, DMs and messages cross nodes, and
  // sessions and room logs live in Redis, so a page resumes on any node after its own one restarted.
  const adapter = options.adapter ?? (stores.redis ? new RedisAdapter({ client: stores.redis, keyPrefix: 'ws-chat' }) : undefined);
  const app = await bootstrap(createAppModule(stores), {
    server,
    logger: options.logger,
    adapter,
    // A dropped page comes back as itself with what it missed; the room logs are the chat's history.
    recovery: { windowMs: RECOVERY_WINDOW_MS, maxPerRoom: RECOVERY_MAX_PER_ROOM },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await app.close();
    server.closeAllConnections(); // idle keep-alive requests would hold server.close() open
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stores.close();
  };
  return { app, server, stores, port, url: `http://${host}:${port}`, close: () => (closing ??= close()) };
}
