/**
 * @module transport/node-side-routes
 * Node's HTTP side of `SideRoutes` (metrics, health, admin page): request conversion, response
 * writing, and sharing a user-supplied server without answering requests that are not ours.
 */
import type { Logger, SideRequest, SideResponse, SideRoutes } from '../spi';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The runtime-neutral view of a Node request. */
export function toSideRequest(req: IncomingMessage): SideRequest {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: queryStart === -1 ? url : url.slice(0, queryStart),
    query: queryStart === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryStart + 1))),
    headers: req.headers,
  };
}

function write(res: ServerResponse, response: SideResponse, head: boolean): void {
  if (res.headersSent) return;
  res.writeHead(response.status, {
    'Content-Length': String(Buffer.byteLength(response.body)),
    ...response.headers,
  });
  res.end(head ? undefined : response.body);
}

/** Answers the request when it is on a side route; returns false (untouched) otherwise. */
export function serveSideRoute(
  routes: SideRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
): boolean {
  const request = toSideRequest(req);
  let answer: ReturnType<SideRoutes['request']>;
  try {
    answer = routes.request(request);
  } catch (err) {
    answer = Promise.reject(err);
  }
  if (answer === undefined) return false;
  const head = request.method === 'HEAD';
  Promise.resolve(answer).then(
    (response) => write(res, response, head),
    (err: unknown) => {
      logger.error({ err, path: request.path }, 'side route failed');
      write(
        res,
        {
          status: 500,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'Internal Server Error\n',
        },
        head,
      );
    },
  );
  return true;
}

/**
 * Puts the side routes in front of a user server's own request listeners: requests on our paths are
 * answered here and never reach them; every other request goes to them unchanged. Listeners the user
 * adds later are not wrapped (they see our paths too). Returns the function that restores the server.
 */
export function interceptRequests(
  server: Server | HttpsServer,
  routes: SideRoutes,
  logger: Logger,
): () => void {
  const original = server.listeners('request') as RequestListener[];
  const front: RequestListener = (req, res) => {
    if (serveSideRoute(routes, req, res, logger)) return;
    for (const listener of original) listener.call(server, req, res);
  };
  for (const listener of original) server.off('request', listener);
  server.on('request', front);
  return () => {
    server.off('request', front);
    for (const listener of original) server.on('request', listener);
  };
}
