/**
 * @module observability/http-response
 * Small builders for side-route responses.
 */
import type { SideRequest, SideResponse } from '../spi/transport';

/** A JSON response that proxies and browsers never cache. */
export function json(status: number, value: unknown): SideResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify(value),
  };
}

/** 405 for anything but GET and HEAD; undefined when the method is fine. */
export function onlyGet(req: SideRequest): SideResponse | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  return {
    status: 405,
    headers: { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' },
    body: 'Method Not Allowed\n',
  };
}
