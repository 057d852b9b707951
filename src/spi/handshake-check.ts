/**
 * @module spi/handshake-check
 * Rejects malformed WebSocket handshakes before any gate, guard or `@OnConnect` runs. ws checks the
 * same later (with a text/html 400, no log, no metric), but only after the upgrade was decided; every
 * runtime's transport calls this first and answers its problem as a JSON 400 refusal.
 */
import type { IncomingMessage } from 'node:http';

/** What the check needs to know of the server's settings. */
export interface HandshakeCheckOptions {
  /** permessage-deflate as the server negotiates it; off: `Sec-WebSocket-Extensions` is ignored, as ws does. */
  perMessageDeflate?: false | { serverNoContextTakeover: boolean };
}

const KEY = /^[+/0-9A-Za-z]{22}==$/;
// RFC 7230 token and the lists RFC 6455 builds from it (the grammar ws parses, OWS around separators).
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const PROTOCOLS = new RegExp(`^${TOKEN}(?:[ \\t]*,[ \\t]*${TOKEN})*$`);
const QUOTED = "\"(?:[!#$%&'*+\\-.^_`|~0-9A-Za-z]|\\\\[!#$%&'*+\\-.^_`|~0-9A-Za-z])+\"";
const PARAM = `${TOKEN}(?:=(?:${TOKEN}|${QUOTED}))?`;
const EXTENSION = `${TOKEN}(?:[ \\t]*;[ \\t]*${PARAM})*`;
const EXTENSIONS = new RegExp(`^${EXTENSION}(?:[ \\t]*,[ \\t]*${EXTENSION})*$`);
const DEFLATE = 'permessage-deflate';

/** Returns why a handshake is malformed, or undefined when it is a valid RFC 6455 upgrade (any runtime). */
export function handshakeProblemOf(
  method: string,
  header: (name: string) => string | null | undefined,
  options: HandshakeCheckOptions = {},
): string | undefined {
  if (method !== 'GET') return 'Invalid HTTP method';
  if ((header('upgrade') ?? '').toLowerCase() !== 'websocket') return 'Invalid Upgrade header';
  const key = header('sec-websocket-key');
  if (typeof key !== 'string' || !KEY.test(key.trim())) return 'Missing or invalid Sec-WebSocket-Key header';
  const version = header('sec-websocket-version');
  if (version !== '13' && version !== '8') return 'Missing or invalid Sec-WebSocket-Version header';
  const protocols = header('sec-websocket-protocol');
  if (protocols !== null && protocols !== undefined && !validProtocols(protocols.trim())) return 'Invalid Sec-WebSocket-Protocol header';
  const extensions = header('sec-websocket-extensions');
  if (options.perMessageDeflate && extensions !== null && extensions !== undefined) {
    if (!acceptableExtensions(extensions.trim(), options.perMessageDeflate.serverNoContextTakeover)) {
      return 'Invalid or unacceptable Sec-WebSocket-Extensions header';
    }
  }
  return undefined;
}

/** The same check on a Node request. */
export function handshakeProblem(request: IncomingMessage, options?: HandshakeCheckOptions): string | undefined {
  return handshakeProblemOf(
    request.method ?? '',
    (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    },
    options,
  );
}

/** A comma-separated list of distinct tokens. */
function validProtocols(value: string): boolean {
  if (!PROTOCOLS.test(value)) return false;
  const names = value.split(',').map((name) => name.trim());
  return new Set(names).size === names.length;
}

/**
 * A well-formed extension list whose permessage-deflate offers all have known parameters with valid
 * values, at least one of which the server can accept (RFC 7692 section 7).
 */
function acceptableExtensions(value: string, serverNoContextTakeover: boolean): boolean {
  if (!EXTENSIONS.test(value)) return false;
  let offers = 0;
  let acceptable = false;
  for (const extension of splitOutsideQuotes(value, ',')) {
    const [name, ...params] = splitOutsideQuotes(extension, ';').map((part) => part.trim());
    if (name !== DEFLATE) continue;
    offers++;
    const seen = new Set<string>();
    for (const param of params) {
      const eq = param.indexOf('=');
      const key = eq === -1 ? param : param.slice(0, eq);
      const raw = eq === -1 ? undefined : param.slice(eq + 1).replace(/^"|"$/g, '').replace(/\\/g, '');
      if (seen.has(key) || !validDeflateParam(key, raw)) return false;
      seen.add(key);
    }
    // A server that keeps its context cannot accept an offer that demands it be dropped.
    if (serverNoContextTakeover || !seen.has('server_no_context_takeover')) acceptable = true;
  }
  return offers === 0 || acceptable;
}

function validDeflateParam(key: string, value: string | undefined): boolean {
  const bits = (v: string): boolean => Number.isInteger(Number(v)) && Number(v) >= 8 && Number(v) <= 15;
  switch (key) {
    case 'client_no_context_takeover':
    case 'server_no_context_takeover':
      return value === undefined;
    case 'client_max_window_bits':
      return value === undefined || bits(value);
    case 'server_max_window_bits':
      return value !== undefined && bits(value);
    default:
      return false;
  }
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && quoted) i++;
    else if (char === '"') quoted = !quoted;
    else if (char === separator && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}
