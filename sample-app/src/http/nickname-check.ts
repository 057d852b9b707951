/**
 * @module sample-app/http/nickname-check
 * `GET /api/nickname?name=` answers what the WebSocket handshake would: browsers never see the
 * status of a refused upgrade, so the page asks here to explain a refusal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nicknameProblem } from '../chat/nickname';
import type { NameRegistry } from '../storage/name-registry';

/** The route's path. */
export const NICKNAME_CHECK_PATH = '/api/nickname';

/** Writes `200 {ok}`, `400 {code: INVALID_NAME}` or `409 {code: NAME_TAKEN}`. */
export async function checkNickname(req: IncomingMessage, res: ServerResponse, names: NameRegistry): Promise<void> {
  const name = new URL(req.url ?? '/', 'http://localhost').searchParams.get('name') ?? undefined;
  const problem = nicknameProblem(name);
  let status = 200;
  let body: object = { ok: true };
  if (problem !== undefined || name === undefined) {
    status = 400;
    body = { code: 'INVALID_NAME', message: problem };
  } else if ((await names.holderOf(name)) !== undefined) {
    status = 409;
    body = { code: 'NAME_TAKEN', message: `The nickname "${name}" is taken` };
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
