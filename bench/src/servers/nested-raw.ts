/**
 * @module bench/servers/nested-raw
 * The nested case's references: raw `ws` with a hand-written check of the chat DTO's rules (the same
 * as its class-validator decorators: types, lengths, the role list, the array's size, no unknown key at
 * any level), replying with the checked payload. Variants `echo` and `echo-batch` (write batching).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RULES } from '../cases/nested-dto';
import { announce, variant } from './control';
import { corkForTick } from './write-batch';

const mode = variant();
if (mode !== 'echo' && mode !== 'echo-batch') throw new Error(`unknown variant ${mode}`);
const before = mode === 'echo-batch' ? corkForTick : (): void => undefined;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, rule: { min: number; max: number }): boolean =>
  typeof value === 'string' && value.length >= rule.min && value.length <= rule.max;
const ROLES: readonly string[] = RULES.roles;

function onlyKeys(object: Json, a: string, b: string, c: string): boolean {
  for (const key in object) if (key !== a && key !== b && key !== c) return false;
  return true;
}

function validItem(item: unknown): boolean {
  if (!isObject(item) || !onlyKeys(item, 'text', 'ts', 'edited')) return false;
  const { text, ts, edited } = item;
  return isText(text, RULES.text) && Number.isInteger(ts) && (ts as number) >= 0 && (edited === undefined || typeof edited === 'boolean');
}

function validChat(payload: unknown): boolean {
  if (!isObject(payload) || !onlyKeys(payload, 'room', 'author', 'items')) return false;
  const { room, author, items } = payload;
  if (!isText(room, RULES.room) || !isObject(author) || !onlyKeys(author, 'id', 'name', 'role')) return false;
  if (!isText(author.id, RULES.id) || !isText(author.name, RULES.name) || !ROLES.includes(author.role as string)) return false;
  if (!Array.isArray(items) || items.length < RULES.items.min || items.length > RULES.items.max) return false;
  for (const item of items) if (!validItem(item)) return false;
  return true;
}

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    let message: { event?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (message.event !== 'echo') return;
    before(ws);
    if (validChat(message.payload)) ws.send(JSON.stringify({ event: 'echo', payload: message.payload }));
    else ws.send(JSON.stringify({ event: 'error', payload: { code: 'VALIDATION_FAILED' } }));
  });
});

server.listen(0, '127.0.0.1', () => {
  announce((server.address() as AddressInfo).port, () => new Promise<void>((resolve) => server.close(() => resolve())));
});
