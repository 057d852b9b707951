/**
 * @module recovery/resume-query
 * Reads a resume request from the upgrade URL: `?resume=<token>&offsets=<JSON>`, both removed from
 * the query the app sees. Everything a client sends here is bounded and checked before use.
 */
import { isLogId } from '../protocol/offsets';

/** Largest `offsets` JSON accepted (bytes); a larger one is not resumed. */
export const MAX_OFFSETS_LENGTH = 8 * 1024;
/** Longest token accepted. */
const MAX_TOKEN_LENGTH = 200;

/** A resume request: the session's id and secret, and the last offset the client saw per log. */
export interface ResumeRequest {
  clientId: string;
  secret: string;
  rooms: Record<string, string>;
  direct: string;
  broadcast: string;
}

/** The session token a client presents: `<client id>.<secret>`. */
export function sessionToken(clientId: string, secret: string): string {
  return `${clientId}.${secret}`;
}

/**
 * Splits the resume parameters off a handshake query. `resume` is undefined without a `resume`
 * parameter, `invalid` when it or `offsets` is malformed (the client starts a new session).
 */
export function takeResume(query: Record<string, string>): { query: Record<string, string>; resume: ResumeRequest | 'invalid' | undefined } {
  if (!('resume' in query) && !('offsets' in query)) return { query, resume: undefined };
  const { resume: token, offsets, ...rest } = query;
  if (token === undefined) return { query: rest, resume: undefined };
  return { query: rest, resume: parse(token, offsets) };
}

function parse(token: string, offsets: string | undefined): ResumeRequest | 'invalid' {
  if (token.length > MAX_TOKEN_LENGTH) return 'invalid';
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1) return 'invalid';
  const request: ResumeRequest = { clientId: token.slice(0, dot), secret: token.slice(dot + 1), rooms: Object.create(null) as Record<string, string>, direct: '', broadcast: '' };
  if (offsets === undefined || offsets === '') return request;
  if (offsets.length > MAX_OFFSETS_LENGTH) return 'invalid';
  let value: unknown;
  try {
    value = JSON.parse(offsets);
  } catch {
    return 'invalid';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'invalid';
  const { rooms, direct, broadcast } = value as { rooms?: unknown; direct?: unknown; broadcast?: unknown };
  if (direct !== undefined) {
    if (typeof direct !== 'string' || direct[0] !== 'd' || !isLogId(direct.slice(1))) return 'invalid';
    request.direct = direct.slice(1);
  }
  if (broadcast !== undefined) {
    if (typeof broadcast !== 'string' || broadcast[0] !== 'b' || !isLogId(broadcast.slice(1))) return 'invalid';
    request.broadcast = broadcast.slice(1);
  }
  if (rooms !== undefined) {
    if (rooms === null || typeof rooms !== 'object' || Array.isArray(rooms)) return 'invalid';
    // Own keys of a parsed object: "__proto__" is a plain key here and lands in a null-prototype map.
    for (const [room, id] of Object.entries(rooms as Record<string, unknown>)) {
      if (!isLogId(id)) return 'invalid';
      request.rooms[room] = id;
    }
  }
  return request;
}
