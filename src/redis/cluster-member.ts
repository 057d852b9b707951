/**
 * @module redis/cluster-member
 * One process's part in the Redis protocol, shared by `RedisAdapter` (a node: with a host and
 * clients) and the emitter (no host, no clients, never a peer): the driver, the keys, the pending
 * requests, the registry, the queries, the inbox commands and reader, the pub/sub routing, the
 * rate-limited logging, and a shutdown that always finishes, whatever Redis does.
 */
import type { BroadcastPacket } from '../adapter/adapter';
import type { LocalMemberAsker } from '../adapter/member-requests';
import { silentLogger, type Logger } from '../app/logger';
import { ClusterQueries } from './cluster-queries';
import { ProtocolVersionError } from './errors';
import { InboxCommands } from './inbox-commands';
import { InboxReader } from './inbox-reader';
import { RedisKeys } from './keys';
import { isClusterClient, NodeRedisClusterDriver } from './node-redis-cluster-driver';
import { NodeRedisDriver, type NodeRedisClient } from './node-redis-driver';
import { NodeRegistry, type RegistrySelf } from './node-registry';
import { RoomAsks } from './room-asks';
import { resolveRedisOptions, type RedisAdapterOptions, type ResolvedRedisOptions } from './options';
import { PendingRequests } from './pending-requests';
import { delay, withTimeout, type RedisDriver } from './redis-driver';
import {
  decodeBroadcast,
  parseJson,
  type DecodedBroadcast,
  REDIS_PROTOCOL_VERSION,
  type ReplyMessage,
  type RequestMessage,
} from './wire';

const WARN_EVERY_MS = 5000;
/** The most a close waits for Redis to confirm the leave. */
const LEAVE_MAX_MS = 1000;

/** How a member starts. */
export interface MemberStart {
  self: RegistrySelf;
  logger: Logger;
  /**
   * Broadcasts of other members (nodes subscribe to the broadcast channel, emitters do not), and this
   * member's own logged (recovery) pushes, which every node delivers from Redis so all see one log's order.
   */
  onBroadcast?: ((packet: BroadcastPacket, decoded: DecodedBroadcast) => void) | undefined;
  /**
   * Keep trying to reach Redis instead of failing after `requestTimeoutMs`, and heartbeat even when
   * the first beat fails (an emitter: Redis may come up after it).
   */
  patient?: boolean | undefined;
  /** This node was (re)registered (first start, after a purge, or after Redis lost its data). */
  onAnnounced?: (() => void) | undefined;
  /** How this node asks its own members for another node's room request (nodes only). */
  askMembers?: LocalMemberAsker | undefined;
}

/** The Redis side of one node or emitter. */
export class ClusterMember {
  readonly options: ResolvedRedisOptions;
  readonly keys: RedisKeys;
  readonly driver: RedisDriver;
  readonly pending = new PendingRequests();
  logger: Logger = silentLogger;
  registry!: NodeRegistry;
  queries!: ClusterQueries;
  commands!: InboxCommands;
  asks!: RoomAsks;
  /** Set once `close()` was called. */
  closed = false;
  private self: RegistrySelf | undefined;
  private reader: InboxReader | undefined;
  private closing: Promise<void> | undefined;
  private readonly lastWarned = new Map<string, number>();

  constructor(
    settings: RedisAdapterOptions,
    /** Who this is in errors and logs (`RedisAdapter`, `Emitter`). */
    readonly label: string,
  ) {
    this.options = resolveRedisOptions(settings, label);
    this.driver = settings.driver ?? makeDriver(settings, this.options, label);
    this.keys = new RedisKeys(this.options.keyPrefix, this.driver.cluster === true);
    // Attached before anything can fail, so no connection error is ever unhandled.
    this.driver.onError((error) => this.warn('connection', 'Redis connection error', error));
  }

  /** Connects, subscribes, registers (a node) or starts heartbeating (an emitter), reads the inbox. */
  async start(start: MemberStart): Promise<void> {
    const { self } = start;
    this.self = self;
    this.logger = start.logger;
    const { keys, options, pending } = this;
    this.registry = new NodeRegistry(this.driver, keys, self, options, {
      peerGone: (node) => pending.nodeGone(node),
      announced: () => {
        if (self.host !== undefined) this.queries.notice({ t: 'hello', f: self.id });
        start.onAnnounced?.();
      },
      purged: (nodes) => {
        this.logger.warn({ nodes }, `${this.label} purged nodes that stopped heartbeating`);
        this.queries.notice({ t: 'gone', f: self.id, n: nodes });
      },
      failed: (what, error) => this.warn(what, `Redis ${what} failed`, error),
    });
    const warn = (kind: string, message: string, error?: unknown): void => this.warn(kind, message, error);
    const mismatch = (error: ProtocolVersionError): void => this.mismatch(error);
    this.queries = new ClusterQueries(
      this.driver,
      keys,
      self,
      options,
      pending,
      this.registry,
      warn,
      mismatch,
    );
    this.asks = new RoomAsks(this.driver, keys, self, pending, this.registry, start.askMembers, warn);
    this.queries.onAsk = (request) => this.asks.onAsk(request);
    this.commands = new InboxCommands(this.driver, keys, {
      self,
      options,
      pending,
      locate: (id, deadline) => this.queries.locate(id, deadline),
      settling: () => Date.now() < this.registry.settlingUntil,
      onError: (what, error) => this.warn(what, `${this.label} ${what} failed`, error),
      mismatch,
    });
    await this.driver.connect(start.patient ? Number.POSITIVE_INFINITY : options.requestTimeoutMs);
    if (this.closed) return; // closed while connecting
    const channels = [keys.requestChannel, keys.replyChannel(self.id)];
    const sharded = this.driver.cluster === true;
    if (start.onBroadcast && !sharded) channels.unshift(keys.broadcastChannel);
    try {
      this.driver.onReady(() => this.registry.invalidate());
      await this.driver.subscribe(channels, (message, channel) =>
        this.onMessage(message, channel, start.onBroadcast),
      );
      if (start.onBroadcast && sharded) {
        // Room channels are subscribed to as local members join (room-subscriptions.ts).
        this.onSharded = (message) => this.onBroadcastMessage(message, start.onBroadcast);
        await this.driver.shardedSubscribe!([keys.broadcastChannel], this.onSharded);
      }
      if (start.patient) await this.firstBeat();
      else await this.registry.start();
    } catch (error) {
      await this.driver.close();
      throw error;
    }
    if (this.closed) return;
    this.reader = new InboxReader(
      this.driver,
      keys.inbox(self.id),
      (fields) => this.commands.handle(fields),
      (error) => this.warn('inbox', `${this.label} inbox read failed`, error),
    );
    this.reader.start();
  }

  // Beats until one succeeds (or the member closes); heartbeats go on from then.
  private async firstBeat(): Promise<void> {
    for (let wait = 100; !this.closed; wait = Math.min(wait * 2, 1000)) {
      try {
        await this.registry.start();
        return;
      } catch (error) {
        this.warn('heartbeat', `${this.label} could not register with Redis yet`, error);
        await delay(wait);
      }
    }
  }

  /** The listener of sharded broadcast channels (cluster nodes only; room channels use it too). */
  onSharded: ((message: string, channel: string) => void) | undefined;

  private onBroadcastMessage(message: string, onBroadcast: MemberStart['onBroadcast']): void {
    const decoded = decodeBroadcast(message);
    if (!decoded || (decoded.nodeId === this.self?.id && decoded.seq === undefined)) return;
    if (decoded.version !== REDIS_PROTOCOL_VERSION) {
      this.mismatch(
        new ProtocolVersionError(REDIS_PROTOCOL_VERSION, decoded.version, String(decoded.nodeId), 'A broadcast was dropped'),
      );
      return;
    }
    onBroadcast?.(decoded.packet, decoded);
  }

  private onMessage(message: string, channel: string, onBroadcast?: MemberStart['onBroadcast']): void {
    const id = this.self?.id;
    try {
      if (channel === this.keys.broadcastChannel) {
        this.onBroadcastMessage(message, onBroadcast);
      } else if (channel === this.keys.requestChannel) {
        const request = parseJson<RequestMessage>(message);
        if (request && request.f !== id) this.queries.onRequest(request);
      } else {
        const reply = parseJson<ReplyMessage>(message);
        if (reply) this.queries.onReply(reply);
      }
    } catch (error) {
      this.warn('message', `${this.label} could not handle a message from Redis`, error);
    }
  }

  /**
   * Leaves (a node: removes its entries and tells the others; an emitter: deletes its inbox) and
   * closes the connections opened here, within `timeoutMs`. Always resolves: with Redis frozen,
   * dead or slow, the leave is given up (the others purge a node; an emitter's inbox expires) and
   * the connections are cut.
   */
  close(timeoutMs: number): Promise<void> {
    this.closing ??= this.shutdown(Math.max(0, timeoutMs));
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    if (this.self !== undefined) {
      await this.leave(this.self, Math.min(LEAVE_MAX_MS, timeoutMs / 2));
      this.pending.settleAll();
    }
    const reading = this.reader?.stop();
    try {
      await this.driver.close();
    } catch (error) {
      this.warn('close', `${this.label} could not close its Redis connections`, error);
    }
    // The reader ends as soon as its blocked read fails on the closed connection.
    if (reading) await withTimeout(reading, Math.max(1, deadline - Date.now()), 'inbox stop').catch(() => {});
  }

  // Issued back to back on the command connection, so once the `bye` is answered every command this
  // node sent before it has been answered too (a broadcast from an @OnDisconnect hook included).
  private async leave(self: RegistrySelf, timeoutMs: number): Promise<void> {
    this.registry?.stop();
    if (this.registry === undefined || !this.driver.ready || timeoutMs <= 0) return;
    const removed = this.registry.leave();
    const said =
      self.host === undefined
        ? undefined
        : this.driver.command([
            'PUBLISH',
            this.keys.requestChannel,
            JSON.stringify({ t: 'bye', f: self.id, w: REDIS_PROTOCOL_VERSION }),
          ]);
    try {
      await withTimeout(Promise.all([removed, said]), timeoutMs, 'leave');
    } catch (error) {
      const left = self.host === undefined ? 'its inbox expires' : 'the others will purge it';
      this.warn('close', `${this.label} could not remove itself from Redis (${left})`, error);
    }
  }

  /** Publishes an encoded broadcast where its receivers listen (`PUBLISH`, or `SPUBLISH` on a cluster). */
  publishBroadcast(rooms: readonly string[] | undefined, message: string): Promise<unknown> {
    const { keys } = this;
    if (this.driver.cluster !== true) return this.driver.command(['PUBLISH', keys.broadcastChannel, message]);
    // One room: its own channel (only nodes with members there receive it); several rooms or none:
    // the app-wide channel every node receives (a client in two rooms must get one copy).
    const channel = rooms !== undefined && rooms.length === 1 ? keys.roomChannel(rooms[0]!) : keys.broadcastChannel;
    return this.driver.command(['SPUBLISH', channel, message]);
  }

  /** One warning per kind every few seconds (an outage would otherwise log on every operation). */
  warn(kind: string, message: string, error?: unknown): void {
    if (this.quiet(kind)) this.logger.debug({ err: error }, message);
    else this.logger.warn({ err: error }, message);
  }

  /** A peer speaks another protocol version: logged at error level (once per peer every few seconds). */
  mismatch(error: ProtocolVersionError): void {
    const fields = {
      err: error,
      localVersion: error.localVersion,
      remoteVersion: error.remoteVersion,
      remoteId: error.remoteId,
    };
    if (this.quiet(`version ${error.remoteId}`)) this.logger.debug(fields, error.message);
    else this.logger.error(fields, error.message);
  }

  private quiet(kind: string): boolean {
    const now = Date.now();
    if (now - (this.lastWarned.get(kind) ?? 0) < WARN_EVERY_MS) return true;
    if (this.lastWarned.size >= 1000) this.lastWarned.clear(); // peers come and go: stay bounded
    this.lastWarned.set(kind, now);
    return false;
  }
}

// The node-redis driver for the options: a cluster (root nodes, or a user's cluster client) or one Redis.
function makeDriver(settings: RedisAdapterOptions, options: ResolvedRedisOptions, owner: string): RedisDriver {
  const { maxQueuedCommands } = options;
  if (settings.cluster !== undefined) return new NodeRedisClusterDriver({ rootNodes: settings.cluster.rootNodes, maxQueuedCommands, owner });
  if (settings.client !== undefined && isClusterClient(settings.client))
    return new NodeRedisClusterDriver({ client: settings.client, owner });
  if (settings.client !== undefined) return new NodeRedisDriver({ client: settings.client as NodeRedisClient, owner });
  return new NodeRedisDriver({ url: settings.url ?? 'redis://127.0.0.1:6379', maxQueuedCommands, owner });
}
