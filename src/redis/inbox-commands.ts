/**
 * @module redis/inbox-commands
 * Both ends of a command to a client on another node. The sender (a node or an emitter) appends it
 * to the owner's inbox stream (retried across a Redis blip; `NOMKSTREAM`, so a purged node's inbox
 * is never recreated) and waits for the ack in its own inbox. The owner runs each command once (a
 * retried append is recognised by its request id), drops commands whose sender already gave up, and
 * acks. A command or ack in another protocol version is never run or trusted: the owner acks it
 * with its own version and the sender fails with a `ProtocolVersionError`.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterHost } from '../adapter/adapter';
import { ClusterUnavailableError, ProtocolVersionError } from './errors';
import type { EntryFields } from './inbox-reader';
import type { RedisKeys } from './keys';
import type { RegistrySelf } from './node-registry';
import type { ResolvedRedisOptions } from './options';
import type { PendingRequests } from './pending-requests';
import { delay, withTimeout, type RedisDriver } from './redis-driver';
import { parseJson, REDIS_PROTOCOL_VERSION, versionOf, type InboxMessage } from './wire';

const RECENT_LIMIT = 10_000;
const RUNNING = Symbol('running');

/** A command without the fields the sender fills in. */
export type CommandBody = Omit<InboxMessage, 'r' | 'f' | 'x' | 'b' | 'v' | 'w' | 'tp' | 'ts'>;

/** What the commands need besides the connection (an emitter has no host: it runs none). */
export interface InboxContext {
  readonly self: RegistrySelf;
  readonly options: ResolvedRedisOptions;
  readonly pending: PendingRequests;
  /** Finds the node of a client the routing hash does not know (asks every live node). */
  locate(clientId: string, deadline: number): Promise<string | undefined>;
  /** True while other nodes may still be re-registering (after Redis came back). */
  settling(): boolean;
  onError(what: string, error: unknown): void;
  /** A packet in another protocol version arrived (logged loudly by the owner). */
  mismatch(error: ProtocolVersionError): void;
}

/** Sends commands to other nodes' clients and runs the ones addressed to this node. */
export class InboxCommands {
  // Request id -> result of commands run lately, so a duplicate append is acked, not re-run.
  private readonly recent = new Map<string, unknown>();

  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly context: InboxContext,
  ) {}

  /**
   * Runs a command on the client's node (or on `node`, when the caller knows it); its result,
   * false when no node has the client, or undefined when its node did not answer in time.
   * Rejects with `ClusterUnavailableError` when Redis stayed unreachable until the timeout, and with
   * `ProtocolVersionError` when the client's node speaks another protocol version.
   */
  async call(
    body: CommandBody,
    data?: string | Uint8Array,
    timeoutMs = this.context.options.requestTimeoutMs,
    node?: string,
  ): Promise<unknown> {
    const { pending, self } = this.context;
    const deadline = Date.now() + timeoutMs;
    const message: InboxMessage = {
      ...body,
      r: randomBytes(9).toString('base64url'),
      f: self.id,
      w: REDIS_PROTOCOL_VERSION,
      x: deadline,
    };
    const trace = self.host?.traceContext?.();
    if (trace !== undefined) {
      message.tp = trace.traceparent;
      if (trace.tracestate !== undefined) message.ts = trace.tracestate;
    }
    let text: string | undefined;
    if (typeof data === 'string') text = data;
    else if (data !== undefined) {
      message.b = 1;
      text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    }
    const fields = ['m', JSON.stringify(message), ...(text === undefined ? [] : ['d', text])];
    const answer = pending.single(message.r, timeoutMs);
    let appended: boolean;
    try {
      appended = await this.append(body.t, body.c as string, fields, deadline, timeoutMs, node);
    } catch (error) {
      pending.cancel(message.r);
      throw error;
    }
    if (!appended) {
      // No node has the client: a definite "no" (false), unlike a timeout's unknown (undefined).
      pending.cancel(message.r);
      return false;
    }
    const value = await answer;
    if (value instanceof ProtocolVersionError) throw value;
    return value;
  }

  /** Handles one entry of this node's inbox. */
  async handle(fields: EntryFields): Promise<void> {
    const message = parseJson<InboxMessage>(fields.m ?? '');
    if (!message || typeof message.r !== 'string') return;
    const version = versionOf(message);
    if (message.t === 'ack') {
      if (version === REDIS_PROTOCOL_VERSION) this.context.pending.reply(message.r, message.f, message.v);
      else {
        const error = new ProtocolVersionError(
          REDIS_PROTOCOL_VERSION,
          version,
          String(message.f),
          'A command was not run',
        );
        this.context.pending.reply(message.r, message.f, error);
      }
      return;
    }
    if (version !== REDIS_PROTOCOL_VERSION) {
      const error = new ProtocolVersionError(
        REDIS_PROTOCOL_VERSION,
        version,
        String(message.f),
        `A ${String(message.t)} command was not run`,
      );
      this.context.mismatch(error);
      this.ack(message, null); // with this version: its sender learns why at once
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
      this.context.onError(`inbox ${message.t}`, error);
      value = false;
    }
    this.remember(message.r, value);
    this.ack(message, value);
  }

  private async execute(message: InboxMessage, data: string | undefined): Promise<unknown> {
    const host: AdapterHost | undefined = this.context.self.host;
    if (host === undefined) return false; // an emitter holds no clients
    const clientId = message.c ?? '';
    switch (message.t) {
      case 'send': {
        const payload = message.b === 1 ? Buffer.from(data ?? '', 'base64') : (data ?? '');
        const trace = typeof message.tp === 'string' ? { traceparent: message.tp, tracestate: message.ts } : undefined;
        // Acked only once logged (with recovery): a "true" must survive this node dying right after.
        return host.sendLocalDurable !== undefined
          ? host.sendLocalDurable(clientId, payload, trace)
          : host.sendLocal(clientId, payload, trace);
      }
      case 'disconnect':
        return host.disconnectLocal(clientId, message.code, message.reason);
      case 'join':
        return host.joinLocal(clientId, message.room ?? '');
      case 'leave':
        return host.leaveLocal(clientId, message.room ?? '');
      case 'rooms':
        return host.localRoomsOf(clientId) ?? null;
      case 'takeover':
        return host.takeOverLocal?.(clientId) ?? false;
      default:
        return false;
    }
  }

  // Appends to the owner's inbox; true once appended, false when the client is unknown. Retries on
  // connection errors, and while the owner or its inbox is missing just after Redis came back
  // (re-registration), until the deadline; throws when Redis was unreachable up to it.
  private async append(
    kind: string,
    clientId: string,
    fields: string[],
    deadline: number,
    timeoutMs: number,
    node: string | undefined,
  ): Promise<boolean> {
    const { keys, driver, context } = this;
    let failed = false;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        if (failed) throw unreachable(kind, timeoutMs);
        return false;
      }
      if (!driver.ready && !(await driver.waitReady(left))) throw unreachable(kind, timeoutMs);
      try {
        const known =
          node ??
          ((await withTimeout(driver.command(['HGET', keys.clients, clientId]), left, 'HGET')) as
            string | null);
        if (known === context.self.id) return false; // a stale entry: the client already left this node
        const owner = known ?? (await context.locate(clientId, deadline));
        failed = false;
        if (owner === undefined && !context.settling()) return false;
        if (owner !== undefined) {
          const cap = String(context.options.inboxMaxLength);
          const args = ['XADD', keys.inbox(owner), 'NOMKSTREAM', 'MAXLEN', '~', cap, '*', ...fields];
          if ((await withTimeout(driver.command(args), Math.max(1, deadline - Date.now()), 'XADD')) !== null)
            return true;
        }
      } catch (error) {
        failed = true;
        context.onError('send to another node', error);
      }
      await delay(Math.min(100, deadline - Date.now()));
    }
  }

  private ack(message: InboxMessage, value: unknown): void {
    const { self, options } = this.context;
    const ack: InboxMessage = { t: 'ack', r: message.r, f: self.id, w: REDIS_PROTOCOL_VERSION, v: value };
    const deadline = typeof message.x === 'number' ? message.x : Date.now() + options.requestTimeoutMs;
    const args = [
      'XADD',
      this.keys.inbox(String(message.f)),
      'NOMKSTREAM',
      'MAXLEN',
      '~',
      String(options.inboxMaxLength),
      '*',
      'm',
      JSON.stringify(ack),
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
    attempt().catch((error: unknown) => this.context.onError('ack', error));
  }

  private remember(id: string, value: unknown): void {
    this.recent.delete(id);
    this.recent.set(id, value);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }
}

function unreachable(kind: string, timeoutMs: number): ClusterUnavailableError {
  return new ClusterUnavailableError(
    kind,
    `Redis could not be reached: the ${kind} command was not delivered within ${timeoutMs} ms`,
  );
}
