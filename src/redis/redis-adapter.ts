/**
 * @module redis/redis-adapter
 * `RedisAdapter`: many app processes behind a load balancer act as one server.
 *
 * What crosses Redis, and how:
 * - broadcasts (rooms, `client.broadcast`, `clients.broadcast`): one PUBLISH each, at most once;
 *   every node fans out to its own clients with one encoded frame. Dropped while Redis is away.
 * - commands to one client (send, disconnect, join, leave, roomsOf): appended to the owner node's
 *   inbox stream and acked through the sender's; retried across a short blip, run once.
 * - lookups (members, ids, count): asked of every live node over pub/sub; each answers from its
 *   own state; a node that does not answer in time is left out (the result is partial, never late).
 * - liveness: a heartbeat per node; silent nodes are purged with their routing entries.
 * Local delivery never waits for any of it: the hub delivers locally before the adapter is called.
 */
import type { Adapter, AdapterHost, BroadcastPacket } from '../adapter/adapter';
import { silentLogger, type Logger } from '../app/logger';
import { ClusterQueries } from './cluster-queries';
import { InboxCommands } from './inbox-commands';
import { InboxReader } from './inbox-reader';
import { RedisKeys } from './keys';
import { NodeRedisDriver } from './node-redis-driver';
import { NodeRegistry } from './node-registry';
import { resolveRedisOptions, type RedisAdapterOptions, type ResolvedRedisOptions } from './options';
import { PendingRequests } from './pending-requests';
import { withTimeout, type RedisDriver } from './redis-driver';
import {
  decodeBroadcast,
  encodeBroadcast,
  parseJson,
  type QueryKind,
  type ReplyMessage,
  type RequestMessage,
} from './wire';

const WARN_EVERY_MS = 5000;
/** `close()` without a timeout (`app.close()` passes what is left of its own). */
const DEFAULT_CLOSE_MS = 2000;
/** The most a close waits for Redis to confirm the leave. */
const LEAVE_MAX_MS = 1000;

/** The Redis scale-out adapter (`ws-controllers/redis`). */
export class RedisAdapter implements Adapter {
  private readonly options: ResolvedRedisOptions;
  private readonly keys: RedisKeys;
  private readonly driver: RedisDriver;
  private readonly pending = new PendingRequests();
  private logger: Logger = silentLogger;
  private host!: AdapterHost;
  private registry!: NodeRegistry;
  private commands!: InboxCommands;
  private queries!: ClusterQueries;
  private reader: InboxReader | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly lastWarned = new Map<string, number>();

  constructor(private readonly settings: RedisAdapterOptions = {}) {
    this.options = resolveRedisOptions(settings);
    this.keys = new RedisKeys(this.options.keyPrefix);
    this.driver =
      settings.driver ??
      new NodeRedisDriver(
        settings.client
          ? { client: settings.client }
          : {
              url: settings.url ?? 'redis://127.0.0.1:6379',
              maxQueuedCommands: this.options.maxQueuedCommands,
            },
      );
    // Attached before anything can fail, so no connection error is ever unhandled.
    this.driver.onError((error) => this.warn('connection', 'Redis connection error', error));
  }

  /** Requests waiting for other nodes (0 once traffic stops). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** This node's id in the cluster (set by `init`). */
  get nodeId(): string {
    return this.host.nodeId;
  }

  /** Whether Redis is reachable now (for readiness probes). */
  isConnected(): boolean {
    return !this.closed && this.driver.ready;
  }

  async init(host: AdapterHost): Promise<void> {
    this.host = host;
    this.logger =
      this.settings.logger === false ? silentLogger : (this.settings.logger ?? host.logger ?? silentLogger);
    const { keys, options } = this;
    this.registry = new NodeRegistry(this.driver, keys, host, options, {
      peerGone: (node) => this.pending.nodeGone(node),
      announced: () => this.queries.notice({ t: 'hello', f: host.nodeId }),
      purged: (nodes) => {
        this.logger.warn({ nodes }, 'RedisAdapter purged nodes that stopped heartbeating');
        this.queries.notice({ t: 'gone', f: host.nodeId, n: nodes });
      },
      failed: (what, error) => this.warn(what, `Redis ${what} failed`, error),
    });
    const warn = (kind: string, message: string, error?: unknown): void => this.warn(kind, message, error);
    this.queries = new ClusterQueries(this.driver, keys, host, options, this.pending, this.registry, warn);
    this.commands = new InboxCommands(
      this.driver,
      keys,
      host,
      options,
      this.pending,
      (id, deadline) => this.queries.locate(id, deadline),
      () => Date.now() < this.registry.settlingUntil,
      (what, error) => this.warn(what, `RedisAdapter ${what} failed`, error),
    );
    await this.driver.connect(options.requestTimeoutMs);
    try {
      this.driver.onReady(() => this.registry.invalidate());
      await this.driver.subscribe(
        [keys.broadcastChannel, keys.requestChannel, keys.replyChannel(host.nodeId)],
        (message, channel) => this.onMessage(message, channel),
      );
      await this.registry.start();
    } catch (error) {
      await this.driver.close();
      throw error;
    }
    this.reader = new InboxReader(
      this.driver,
      keys.inbox(host.nodeId),
      (fields) => this.commands.handle(fields),
      (error) => this.warn('inbox', 'RedisAdapter inbox read failed', error),
    );
    this.reader.start();
  }

  // ---- registry ------------------------------------------------------------------------------

  clientConnected(clientId: string): Promise<void> {
    return this.registry.add(clientId);
  }

  clientDisconnected(clientId: string): Promise<void> {
    return this.registry.remove(clientId);
  }

  // Memberships stay on the client's own node (lookups ask it), so nothing crosses Redis here.
  async joined(): Promise<void> {}
  async left(): Promise<void> {}

  // ---- delivery ------------------------------------------------------------------------------

  // Fire and forget: the PUBLISH is issued now (so it stays ordered before any later command of
  // this node) but never awaited, so an emit never waits on Redis, even a frozen one.
  async publish(packet: BroadcastPacket): Promise<void> {
    if (!this.driver.ready) {
      this.warn('publish', 'Redis is unreachable: a broadcast reached local clients only');
      return;
    }
    const message = encodeBroadcast(this.host.nodeId, packet);
    this.driver
      .command(['PUBLISH', this.keys.broadcastChannel, message])
      .catch((error: unknown) =>
        this.warn('publish', 'Redis PUBLISH failed: a broadcast reached local clients only', error),
      );
  }

  async sendRemote(clientId: string, data: string | Uint8Array): Promise<boolean> {
    return (await this.commands.call({ t: 'send', c: clientId }, data)) === true;
  }

  async disconnectRemote(clientId: string, code?: number, reason?: string): Promise<boolean> {
    return (await this.commands.call({ t: 'disconnect', c: clientId, code, reason })) === true;
  }

  async joinRemote(clientId: string, room: string): Promise<boolean> {
    return (await this.commands.call({ t: 'join', c: clientId, room })) === true;
  }

  async leaveRemote(clientId: string, room: string): Promise<boolean> {
    return (await this.commands.call({ t: 'leave', c: clientId, room })) === true;
  }

  // ---- lookups -------------------------------------------------------------------------------

  async members(room: string): Promise<string[]> {
    return this.gatherLists('members', room, this.host.localMembers(room));
  }

  async roomsOf(clientId: string): Promise<string[]> {
    const local = this.host.localRoomsOf(clientId);
    if (local) return local;
    const rooms = await this.commands.call({ t: 'rooms', c: clientId });
    return Array.isArray(rooms) ? (rooms as string[]) : [];
  }

  async ids(path?: string): Promise<string[]> {
    return this.gatherLists('ids', path, this.host.localIds(path));
  }

  async count(path?: string): Promise<number> {
    let total = this.host.localIds(path).length;
    for (const value of (await this.queries.query('count', path)).values())
      if (typeof value === 'number') total += value;
    return total;
  }

  private async gatherLists(kind: QueryKind, arg: string | undefined, local: string[]): Promise<string[]> {
    const all = [...local];
    for (const value of (await this.queries.query(kind, arg)).values())
      if (Array.isArray(value)) all.push(...(value as string[]));
    return all;
  }

  // ---- incoming pub/sub ----------------------------------------------------------------------

  private onMessage(message: string, channel: string): void {
    try {
      if (channel === this.keys.broadcastChannel) {
        const decoded = decodeBroadcast(message);
        if (decoded && decoded.nodeId !== this.host.nodeId) this.host.deliverLocal(decoded.packet);
      } else if (channel === this.keys.requestChannel) {
        const request = parseJson<RequestMessage>(message);
        if (request && request.f !== this.host.nodeId) this.queries.onRequest(request);
      } else {
        const reply = parseJson<ReplyMessage>(message);
        if (reply) this.pending.reply(reply.r, reply.f, reply.v);
      }
    } catch (error) {
      this.warn('message', 'RedisAdapter could not handle a message from Redis', error);
    }
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /**
   * Leaves the cluster (removes this node's entries, tells the others) and closes the connections
   * the adapter opened, within `timeoutMs` (default 2 s). Always resolves: with Redis frozen, dead
   * or slow, the leave is given up (the others purge this node) and the connections are cut.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(Math.max(0, options.timeoutMs ?? DEFAULT_CLOSE_MS));
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    if (this.host !== undefined) {
      await this.leave(Math.min(LEAVE_MAX_MS, timeoutMs / 2));
      this.pending.settleAll();
    }
    const reading = this.reader?.stop();
    try {
      await this.driver.close();
    } catch (error) {
      this.warn('close', 'RedisAdapter could not close its Redis connections', error);
    }
    // The reader ends as soon as its blocked read fails on the closed connection.
    if (reading) await withTimeout(reading, Math.max(1, deadline - Date.now()), 'inbox stop').catch(() => {});
  }

  // Issued back to back on the command connection, so once the `bye` is answered every command this
  // node sent before it has been answered too (a broadcast from an @OnDisconnect hook included).
  private async leave(timeoutMs: number): Promise<void> {
    this.registry.stop();
    if (!this.driver.ready || timeoutMs <= 0) return;
    const bye = JSON.stringify({ t: 'bye', f: this.host.nodeId });
    const removed = this.registry.leave();
    const said = this.driver.command(['PUBLISH', this.keys.requestChannel, bye]);
    try {
      await withTimeout(Promise.all([removed, said]), timeoutMs, 'leave');
    } catch (error) {
      this.warn(
        'close',
        'RedisAdapter could not remove this node from Redis (the others will purge it)',
        error,
      );
    }
  }

  // One warning per kind every few seconds (an outage would otherwise log on every operation).
  private warn(kind: string, message: string, error?: unknown): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(kind) ?? 0) < WARN_EVERY_MS) {
      this.logger.debug({ err: error }, message);
      return;
    }
    this.lastWarned.set(kind, now);
    this.logger.warn({ err: error }, message);
  }
}
