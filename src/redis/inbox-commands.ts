/**
 * @module redis/inbox-commands
 * Both ends of a command to a client on another node. The sender appends it to the owner's inbox
 * stream (retried across a Redis blip; `NOMKSTREAM`, so a purged node's inbox is never recreated)
 * and waits for the ack in its own inbox. The owner runs each command once (a retried append is
 * recognised by its request id), drops commands whose sender already gave up, and acks.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterHost } from '../adapter/adapter';
import type { EntryFields } from './inbox-reader';
import type { RedisKeys } from './keys';
import type { ResolvedRedisOptions } from './options';
import type { PendingRequests } from './pending-requests';
import { delay, withTimeout, type RedisDriver } from './redis-driver';
import { parseJson, type InboxMessage } from './wire';

const RECENT_LIMIT = 10_000;
const RUNNING = Symbol('running');

/** A command without the fields the sender fills in. */
export type CommandBody = Omit<InboxMessage, 'r' | 'f' | 'x' | 'b' | 'v'>;

/** Sends commands to other nodes' clients and runs the ones addressed to this node. */
export class InboxCommands {
  // Request id -> result of commands run lately, so a duplicate append is acked, not re-run.
  private readonly recent = new Map<string, unknown>();

  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly host: AdapterHost,
    private readonly options: ResolvedRedisOptions,
    private readonly pending: PendingRequests,
    /** Finds the node of a client the routing hash does not know (asks every live node). */
    private readonly locate: (clientId: string, deadline: number) => Promise<string | undefined>,
    /** True while other nodes may still be re-registering (after Redis came back). */
    private readonly settling: () => boolean,
    private readonly onError: (what: string, error: unknown) => void,
  ) {}

  /** Runs a command on the client's node; its result, or undefined when unknown or timed out. */
  async call(body: CommandBody, data?: string | Uint8Array): Promise<unknown> {
    const deadline = Date.now() + this.options.requestTimeoutMs;
    const message: InboxMessage = {
      ...body,
      r: randomBytes(9).toString('base64url'),
      f: this.host.nodeId,
      x: deadline,
    };
    let text: string | undefined;
    if (typeof data === 'string') text = data;
    else if (data !== undefined) {
      message.b = 1;
      text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    }
    const fields = ['m', JSON.stringify(message), ...(text === undefined ? [] : ['d', text])];
    const answer = this.pending.single(message.r, this.options.requestTimeoutMs);
    if (!(await this.append(body.c as string, fields, deadline))) this.pending.cancel(message.r);
    return answer;
  }

  /** Handles one entry of this node's inbox. */
  async handle(fields: EntryFields): Promise<void> {
    const message = parseJson<InboxMessage>(fields.m ?? '');
    if (!message || typeof message.r !== 'string') return;
    if (message.t === 'ack') {
      this.pending.reply(message.r, message.f, message.v);
      return;
    }
    if (this.recent.has(message.r)) {
      const value = this.recent.get(message.r);
      if (value !== RUNNING) this.ack(message, value);
      return;
    }
    if (message.x !== undefined && Date.now() > message.x) return; // its sender already answered "not delivered"
    this.remember(message.r, RUNNING);
    let value: unknown;
    try {
      value = await this.execute(message, fields.d);
    } catch (error) {
      this.onError(`inbox ${message.t}`, error);
      value = false;
    }
    this.remember(message.r, value);
    this.ack(message, value);
  }

  private async execute(message: InboxMessage, data: string | undefined): Promise<unknown> {
    const clientId = message.c ?? '';
    switch (message.t) {
      case 'send':
        return this.host.sendLocal(
          clientId,
          message.b === 1 ? Buffer.from(data ?? '', 'base64') : (data ?? ''),
        );
      case 'disconnect':
        return this.host.disconnectLocal(clientId, message.code, message.reason);
      case 'join':
        return this.host.joinLocal(clientId, message.room ?? '');
      case 'leave':
        return this.host.leaveLocal(clientId, message.room ?? '');
      case 'rooms':
        return this.host.localRoomsOf(clientId) ?? null;
      default:
        return false;
    }
  }

  // Appends to the owner's inbox; true once appended. Retries on connection errors, and while the
  // owner or its inbox is missing just after Redis came back (re-registration), until the deadline.
  private async append(clientId: string, fields: string[], deadline: number): Promise<boolean> {
    const { keys, driver } = this;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (!driver.ready && !(await driver.waitReady(left))) return false;
      try {
        const known = (await withTimeout(driver.command(['HGET', keys.clients, clientId]), left, 'HGET')) as
          string | null;
        if (known === this.host.nodeId) return false; // a stale entry: the client already left this node
        const owner = known ?? (await this.locate(clientId, deadline));
        if (owner === undefined && !this.settling()) return false;
        if (owner !== undefined) {
          const cap = String(this.options.inboxMaxLength);
          const args = ['XADD', keys.inbox(owner), 'NOMKSTREAM', 'MAXLEN', '~', cap, '*', ...fields];
          if ((await withTimeout(driver.command(args), left, 'XADD')) !== null) return true;
        }
      } catch (error) {
        this.onError('send to another node', error);
      }
      await delay(Math.min(100, deadline - Date.now()));
    }
  }

  private ack(message: InboxMessage, value: unknown): void {
    const fields = ['m', JSON.stringify({ t: 'ack', r: message.r, f: this.host.nodeId, v: value })];
    const deadline = message.x ?? Date.now() + this.options.requestTimeoutMs;
    const args = [
      'XADD',
      this.keys.inbox(message.f),
      'NOMKSTREAM',
      'MAXLEN',
      '~',
      String(this.options.inboxMaxLength),
      '*',
      ...fields,
    ];
    const attempt = async (): Promise<void> => {
      while (Date.now() < deadline) {
        try {
          if (this.driver.ready || (await this.driver.waitReady(deadline - Date.now()))) {
            await withTimeout(this.driver.command(args), Math.max(1, deadline - Date.now()), 'ack');
            return; // appended, or the sender's inbox is gone (it left): nothing more to do
          }
        } catch {
          await delay(100);
        }
      }
    };
    attempt().catch((error: unknown) => this.onError('ack', error));
  }

  private remember(id: string, value: unknown): void {
    this.recent.delete(id);
    this.recent.set(id, value);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }
}
