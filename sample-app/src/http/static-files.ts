/**
 * @module sample-app/http/static-files
 * Serves the page's files (HTML, CSS, the bundled script) from a few folders, nothing else.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Answers GET/HEAD for files in `folders` (first match wins); resolves `false` when it has no such file. */
export function createStaticFiles(folders: readonly string[]): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false; // malformed escapes
    }
    const relative = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
    // normalize() resolves "..": anything still climbing out is refused.
    if (relative.startsWith('..') || relative.includes(`${sep}..`) || relative.includes('\0')) return false;
    const type = TYPES[extname(relative)];
    if (type === undefined) return false;
    for (const folder of folders) {
      const body = await readFile(join(folder, relative)).catch(() => undefined);
      if (body === undefined) continue;
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    return false;
  };
}
