/**
 * @module redis/recovery-entries
 * Reading what recovery keeps in Redis: stream entries as `LoggedPush`es, a log read after an
 * offset (or `gap`), session hashes as `SessionRecord`s. Replies come as RESP2 arrays or, from a
 * user's RESP3 client, as maps: both are read.
 */
import type { LoggedPush, LogRead, SessionRecord } from '../recovery/store';
import type { RedisReply } from './redis-driver';

/** A raw id as offsets carry them: `<ms>-<n>` (at most 19 digits each, so `(id` is always valid). */
const STREAM_ID = /^\d{1,19}-\d{1,19}$/;

/** Whether `id` is a stream id the store may put in a range (client offsets are untrusted). */
export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/** Field -> value of a hash or entry reply (flat array, Map or object). */
export function fieldMap(reply: RedisReply): Map<string, string> {
  const map = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  } else if (reply instanceof Map) {
    for (const [key, value] of reply as Map<unknown, unknown>) map.set(String(key), String(value));
  } else if (reply !== null && typeof reply === 'object') {
    for (const [key, value] of Object.entries(reply)) map.set(key, String(value));
  }
  return map;
}

/** One stream entry: its id, its fields. */
interface RawEntry {
  id: string;
  fields: Map<string, string>;
}

function entries(reply: RedisReply): RawEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((entry) => {
    const [id, fields] = entry as [unknown, RedisReply];
    return { id: String(id), fields: fieldMap(fields) };
  });
}

function json<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** What kind of log entries come from: a room's (named), the broadcast log, or a direct log. */
export type LogKind = { room: string } | 'broadcast' | 'direct';

function toPush(entry: RawEntry, kind: LogKind): LoggedPush {
  const { id, fields } = entry;
  const push: LoggedPush = { id, data: fields.get('d') ?? '', at: Number(id.slice(0, id.indexOf('-'))) };
  if (kind === 'direct') return push;
  if (typeof kind === 'object') push.rooms = json<string[]>(fields.get('r')) ?? [kind.room];
  const except = json<string[]>(fields.get('e'));
  if (except !== undefined) push.except = except;
  const path = fields.get('h');
  if (path !== undefined) push.path = path;
  return push;
}

/** The entries of an XRANGE/XREVRANGE reply as pushes, in the reply's order. */
export function toPushes(reply: RedisReply, kind: LogKind): LoggedPush[] {
  return entries(reply).map((entry) => toPush(entry, kind));
}

/** `XRANGE` arguments reading at most `max + 1` entries after `from` ("" : from the log's start). */
export function rangeAfter(key: string, from: string, max: number): string[] {
  return ['XRANGE', key, from === '' ? '-' : `(${from}`, '+', 'COUNT', String(max + 1)];
}

/**
 * A log read after `from`: `gap` when more than `max` followed it, or when the first entry after it
 * does not name it as its predecessor (the entries between were trimmed).
 */
export function toLogRead(reply: RedisReply, from: string, max: number, kind: LogKind): LogRead {
  const list = entries(reply);
  if (list.length > max) return 'gap';
  const prev = list[0]?.fields.get('p');
  if (prev !== undefined && prev !== from && prev !== '') return 'gap';
  return list.map((entry) => toPush(entry, kind));
}

/** A session hash as a record (undefined when empty). */
export function toRecord(id: string, reply: RedisReply): SessionRecord | undefined {
  const fields = fieldMap(reply);
  if (!fields.has('secret')) return undefined;
  // fromEntries defines own properties: a room named `__proto__` stays a room.
  const rooms: Record<string, string> = Object.fromEntries(
    [...fields].filter(([key]) => key.startsWith('r:')).map(([key, value]) => [key.slice(2), value]),
  );
  const record: SessionRecord = {
    id,
    path: fields.get('path') ?? '',
    secret: fields.get('secret') ?? '',
    rooms,
    broadcastFrom: fields.get('bf') ?? '',
    directFrom: fields.get('df') ?? '',
    data: fields.get('data') ?? '',
  };
  const node = fields.get('node');
  if (node !== undefined) record.node = node;
  const exp = fields.get('exp');
  if (exp !== undefined) record.expiresAt = Number(exp);
  return record;
}
