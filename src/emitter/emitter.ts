/**
 * @module emitter/emitter
 * `Emitter`: reach the clients of a cluster from a process that holds no sockets (an HTTP API, a
 * queue worker, a cron job). It is a member of the Redis protocol without being a node: broadcasts
 * are PUBLISHed like a node's, commands to one client go through the owner node's inbox and are
 * acked in the emitter's own (kept alive by a heartbeat, expiring if the emitter dies), and nodes
 * never wait for it in their lookups.
 */
import { randomBytes } from 'node:crypto';
import type { BroadcastPacket } from '../adapter/adapter';
import { resolveLogger } from '../app/logger';
import { isSendableCloseCode } from '../protocol/close-codes';
import { encodeMessage } from '../protocol/envelope';
import { ClusterMember } from '../redis/cluster-member';
import { ClusterUnavailableError, ProtocolVersionError } from '../redis/errors';
import type { CommandBody } from '../redis/inbox-commands';
import { withTimeout } from '../redis/redis-driver';
import { encodeBroadcast } from '../redis/wire';
import { assertEvent, assertRoomName, EmitterTarget } from './emitter-target';
import type { EmitterBroadcastOptions, EmitterCloseOptions, EmitterOptions } from './options';

const DEFAULT_CLOSE_MS = 2000;

/** Sends to the clients of a ws-controllers cluster through Redis, from any process. */
export class Emitter {
  /** This emitter's id in the cluster (`emitter-<hex>`; its inbox is `<prefix>:inbox:<id>`). */
  readonly id = `emitter-${randomBytes(8).toString('hex')}`;
  private readonly member: ClusterMember;
  private readonly started: Promise<void>;
  private startError: unknown;
  private running = false;

  /** @internal Use `createEmitter`. */
  constructor(settings: EmitterOptions = {}) {
    this.member = new ClusterMember(settings, 'Emitter');
    const logger = resolveLogger(settings.logger);
    // Connected in the background (createEmitter is synchronous); every operation waits for it
    // within its timeout. Redis may come up after the emitter: it keeps trying.
    this.started = this.member.start({ self: { id: this.id }, logger, patient: true }).then(
      () => {
        this.running = !this.member.closed;
      },
      (error: unknown) => {
        this.startError = error;
        if (!this.member.closed) logger.error({ err: error }, 'Emitter could not start');
      },
    );
  }

  /** Whether Redis is reachable now. */
  isConnected(): boolean {
    return this.running && !this.member.closed && this.member.driver.ready;
  }

  /** Targets one room or several (a client in several receives once). */
  to(rooms: string | readonly string[]): EmitterTarget {
    const list = typeof rooms === 'string' ? [rooms] : [...rooms];
    list.forEach(assertRoomName);
    return new EmitterTarget((operation, packet) => this.publish(operation, packet), list);
  }

  /** Sends `{"event", "payload"}` to every client of the cluster (optionally on one path, minus some ids). */
  async broadcast(event: string, payload?: unknown, options: EmitterBroadcastOptions = {}): Promise<void> {
    assertEvent(event);
    const packet: BroadcastPacket = { data: encodeMessage(event, payload) };
    if (options.path !== undefined) packet.path = options.path;
    if (options.except !== undefined)
      packet.except = typeof options.except === 'string' ? [options.except] : [...options.except];
    return this.publish('broadcast', packet);
  }

  /**
   * Sends `{"event", "payload"}` to one client, wherever it is connected: true once its node
   * delivered it, false for an unknown id or when no ack came within `requestTimeoutMs`.
   */
  async send(clientId: string, event: string, payload?: unknown): Promise<boolean> {
    assertEvent(event);
    return (await this.command('send', { t: 'send', c: clientId }, encodeMessage(event, payload))) === true;
  }

  /** Sends a raw text or binary frame to one client; true once delivered, as `send`. */
  async sendRaw(clientId: string, data: string | Uint8Array): Promise<boolean> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw new TypeError('sendRaw() takes a string or a Uint8Array');
    return (await this.command('sendRaw', { t: 'send', c: clientId }, data)) === true;
  }

  /** Closes one client's connection with a close code and reason; false for an unknown id. */
  async disconnect(clientId: string, code = 1000, reason = ''): Promise<boolean> {
    if (typeof code !== 'number' || !isSendableCloseCode(code))
      throw new RangeError(
        `disconnect(): ${String(code)} is not a close code that can be sent (1000-1014, 3000-4999)`,
      );
    if (typeof reason !== 'string' || Buffer.byteLength(reason) > 123)
      throw new RangeError('disconnect(): the reason must be a string of at most 123 bytes');
    return (await this.command('disconnect', { t: 'disconnect', c: clientId, code, reason })) === true;
  }

  /**
   * Deletes the emitter's inbox and closes the connections it opened (a user's own `client` stays
   * open), within `timeoutMs`. Always resolves, whatever Redis does; pending sends resolve false.
   */
  close(options: EmitterCloseOptions = {}): Promise<void> {
    return this.member.close(options.timeoutMs ?? DEFAULT_CLOSE_MS);
  }

  // ---- internals ---------------------------------------------------------------------------

  private async publish(operation: string, packet: BroadcastPacket): Promise<void> {
    const deadline = await this.ready(operation);
    const message = encodeBroadcast(this.id, packet);
    try {
      await withTimeout(
        this.member.publishBroadcast(packet.rooms, message),
        left(deadline),
        'PUBLISH',
      );
    } catch (error) {
      throw this.unavailable(operation, error);
    }
  }

  private async command(operation: string, body: CommandBody, data?: string | Uint8Array): Promise<unknown> {
    if (typeof body.c !== 'string' || body.c.length === 0)
      throw new TypeError(`${operation}(): a client id must be a non-empty string`);
    const deadline = await this.ready(operation);
    try {
      return await this.member.commands.call(body, data, left(deadline));
    } catch (error) {
      if (error instanceof ProtocolVersionError) {
        this.member.mismatch(error);
        throw error;
      }
      throw this.unavailable(operation, error);
    }
  }

  // Waits for the start-up and the connection within the operation's timeout; returns its deadline.
  private async ready(operation: string): Promise<number> {
    const { member } = this;
    if (member.closed) throw new Error(`Emitter: ${operation}() after close()`);
    const deadline = Date.now() + member.options.requestTimeoutMs;
    if (!this.running) {
      await withTimeout(this.started, left(deadline), 'start').catch(() => {});
      if (member.closed) throw new Error(`Emitter: ${operation}() after close()`);
      if (!this.running) throw this.unavailable(operation, this.startError);
    }
    if (!member.driver.ready && !(await member.driver.waitReady(left(deadline))))
      throw this.unavailable(operation);
    return deadline;
  }

  private unavailable(operation: string, cause?: unknown): ClusterUnavailableError {
    if (cause instanceof ClusterUnavailableError) return cause;
    const why = cause instanceof Error ? ` (${cause.message})` : '';
    const error = new ClusterUnavailableError(
      operation,
      `Redis could not be reached: emitter.${operation}() gave up after ${this.member.options.requestTimeoutMs} ms${why}`,
    );
    if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
    return error;
  }
}

function left(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
