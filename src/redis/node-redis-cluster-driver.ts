/**
 * @module redis/node-redis-cluster-driver
 * `RedisDriver` on a node-redis cluster client (`createCluster`, v5 or v6): commands routed by the
 * slot of their key (a hash-tagged key of the adapter's), sharded pub/sub (`SSUBSCRIBE`), classic
 * pub/sub for the control channels, and a second cluster client for the blocking inbox read (a
 * blocked XREAD must not hold the connection the other commands to its master share).
 * Failover: node-redis re-reads the slot map on a MOVED reply only, which a dead master never
 * sends; its node client just keeps reconnecting, and the commands and sharded subscriptions of its
 * slots with it. So while a node reports errors the driver re-reads the map itself (every 250 ms,
 * until the masters change or 30 s pass): in place where node-redis lets it (cluster-slot-refresh.ts),
 * else by connecting a fresh cluster client and swapping it in once its masters differ. A re-read
 * that drops a dead master drops its sharded subscriptions without a word, so after each change the
 * driver subscribes again to every sharded channel it holds (retried until it holds).
 */
import { createCluster } from 'redis';
import { mastersKey, probeSlotRefresh, type ClusterMasterInfo, type SlotMapRefresh } from './cluster-slot-refresh';
import { connectClients, withTimeout, type RedisDriver, type RedisReply } from './redis-driver';

type Listener = (message: string, channel: string) => void;

/** The part of a node-redis cluster client the driver uses (a `createCluster()` result fits). */
export interface NodeRedisClusterClient {
  readonly isOpen: boolean;
  /** The masters serving slots now (a public getter of node-redis 5 and 6). */
  readonly masters?: ReadonlyArray<ClusterMasterInfo>;
  connect(): Promise<unknown>;
  duplicate(): NodeRedisClusterClient;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  subscribe(channels: string | string[], listener: Listener): Promise<unknown>;
  unsubscribe(channels: string | string[], listener?: Listener): Promise<unknown>;
  sSubscribe(channels: string | string[], listener: Listener): Promise<unknown>;
  sUnsubscribe(channels: string | string[], listener?: Listener): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

/** How the cluster driver gets its client: root nodes it dials itself, or a user's cluster client. */
export type NodeRedisClusterSource = (
  | { rootNodes: ReadonlyArray<{ url: string }>; maxQueuedCommands: number }
  | { client: NodeRedisClusterClient }
) & { owner?: string | undefined };

const reconnectStrategy = (retries: number): number => Math.min(100 * 2 ** Math.min(retries, 4), 1000);
const REDISCOVER_EVERY_MS = 250;
const REDISCOVER_FOR_MS = 30_000;
const RESUBSCRIBE_RETRY_MS = 500;

/** Whether `value` looks like a node-redis cluster client (and not a single-node client). */
export function isClusterClient(value: unknown): value is NodeRedisClusterClient {
  const client = value as Partial<NodeRedisClusterClient> | undefined;
  return typeof client?.sSubscribe === 'function' && typeof client.sendCommand === 'function' && !('isReady' in client);
}

type Role = 'main' | 'block';

/** node-redis cluster implementation of `RedisDriver`. */
export class NodeRedisClusterDriver implements RedisDriver {
  readonly cluster = true;
  private main: NodeRedisClusterClient;
  private block: NodeRedisClusterClient;
  /** The user's own client (never closed here; left alone once swapped out). */
  private readonly users: NodeRedisClusterClient | undefined;
  private readonly readyListeners: Array<() => void> = [];
  private readonly errorListeners: Array<(error: Error) => void> = [];
  private readonly detach = new Map<NodeRedisClusterClient, () => void>();
  private connected = false;
  private closed = false;
  /** Channels subscribed to, with their listener (restored after a failover). */
  private readonly classic = new Map<string, Listener>();
  private readonly sharded = new Map<string, Listener>();
  /** How the slot map is re-read: in place (node-redis internal, probed here) or by a fresh client. */
  private readonly refresh: SlotMapRefresh | undefined;
  private readonly watchers = new Map<Role, NodeJS.Timeout>();
  private readonly probes = new Set<NodeRedisClusterClient>();
  private readonly owner: string;

  constructor(source: NodeRedisClusterSource) {
    this.owner = source.owner ?? 'RedisAdapter';
    if ('client' in source) {
      if (!isClusterClient(source.client))
        throw new TypeError(`${this.owner}: \`client\` is not a node-redis cluster client (createCluster() from 'redis')`);
      this.main = source.client;
      this.users = source.client;
    } else {
      if (source.rootNodes.length === 0) throw new TypeError(`${this.owner}: \`cluster.rootNodes\` is empty`);
      this.main = createCluster({
        rootNodes: source.rootNodes.map((node) => ({ url: node.url })),
        RESP: 2,
        defaults: {
          commandsQueueMaxLength: source.maxQueuedCommands,
          socket: { reconnectStrategy, connectTimeout: 2000 },
        },
      }) as unknown as NodeRedisClusterClient;
    }
    this.refresh = Array.isArray(this.main.masters) ? probeSlotRefresh(this.main) : undefined;
    this.block = this.main.duplicate();
    this.attach(this.main, 'main');
    this.attach(this.block, 'block');
  }

  /** How this driver follows a failover: `in-place` (re-reads node-redis's slot map) or `fresh-client`. */
  get failoverMode(): 'in-place' | 'fresh-client' {
    return this.refresh === undefined ? 'fresh-client' : 'in-place';
  }

  get ready(): boolean {
    return this.connected && !this.closed && this.main.isOpen;
  }

  get blockingReady(): boolean {
    return this.connected && !this.closed && this.block.isOpen;
  }

  async connect(timeoutMs: number): Promise<void> {
    await connectClients([this.main, this.block], timeoutMs, () => this.close(), `${this.owner} could not reach the Redis Cluster`);
    this.connected = true;
    this.readyListeners.forEach((listener) => listener());
  }

  command(args: readonly string[], key?: string): Promise<RedisReply> {
    return this.main.sendCommand(key ?? routingKey(args), false, [...args]);
  }

  blocking(args: readonly string[]): Promise<RedisReply> {
    return this.block.sendCommand(routingKey(args), false, [...args]);
  }

  async subscribe(channels: readonly string[], listener: Listener): Promise<void> {
    for (const channel of channels) this.classic.set(channel, listener);
    await this.main.subscribe([...channels], listener);
  }

  // One channel per call: a call is routed by its first channel's slot.
  // A channel that fails (its master unreachable) stays held and is retried until it holds.
  async shardedSubscribe(channels: readonly string[], listener: Listener): Promise<void> {
    for (const channel of channels) this.sharded.set(channel, listener);
    const failed = new Set<string>();
    const results = await Promise.allSettled(channels.map((channel) => this.main.sSubscribe([channel], listener)));
    results.forEach((result, i) => result.status === 'rejected' && failed.add(channels[i]!));
    if (failed.size === 0) return;
    setTimeout(() => this.resubscribe(this.sharded, 'sharded', failed), RESUBSCRIBE_RETRY_MS).unref();
    throw (results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason;
  }

  async shardedUnsubscribe(channels: readonly string[], listener: Listener): Promise<void> {
    for (const channel of channels) this.sharded.delete(channel);
    await Promise.all(channels.map((channel) => this.main.sUnsubscribe([channel], listener)));
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  async waitReady(timeoutMs: number, blocking = false): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && !(blocking ? this.blockingReady : this.ready)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50).unref());
    }
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const role of [...this.watchers.keys()]) this.unwatch(role);
    for (const client of [this.block, this.main, ...this.probes]) this.drop(client);
    this.probes.clear();
  }

  // ---- following a failover ----

  private attach(client: NodeRedisClusterClient, role: Role): void {
    const onError = (error: unknown): void => this.emitError(error);
    const onNodeError = (error: unknown): void => {
      this.emitError(error);
      if (client === this.clientOf(role)) this.watch(role);
    };
    client.on('error', onError);
    client.on('node-error', onNodeError);
    this.detach.set(client, () => {
      client.off('error', onError);
      client.off('node-error', onNodeError);
    });
  }

  /** Stops using `client`: destroyed if it is ours; a user's keeps a listener so its errors stay handled. */
  private drop(client: NodeRedisClusterClient): void {
    this.detach.get(client)?.();
    this.detach.delete(client);
    const swallow = (): void => {};
    client.on('error', swallow);
    client.on('node-error', swallow);
    if (client === this.users) {
      // Left open for its owner, but must stop delivering to the adapter (the fresh client does now).
      for (const [channel, listener] of this.classic) client.unsubscribe([channel], listener).catch(swallow);
      for (const [channel, listener] of this.sharded) client.sUnsubscribe([channel], listener).catch(swallow);
      return;
    }
    try {
      if (client.isOpen) client.destroy();
    } catch {
      // already torn down
    }
  }

  private clientOf(role: Role): NodeRedisClusterClient {
    return role === 'main' ? this.main : this.block;
  }

  // One watcher per client: each has its own slot map (the blocking one must follow too).
  private watch(role: Role): void {
    if (this.closed || this.watchers.has(role)) return;
    const before = mastersKey(this.clientOf(role).masters);
    const until = Date.now() + REDISCOVER_FOR_MS;
    let running = false;
    let turn = 0;
    const timer = setInterval(() => {
      if (running) return;
      if (this.closed || Date.now() > until) return this.unwatch(role);
      running = true;
      this.rereadOnce(role, before, turn++)
        .then(
          (changed) => {
            if (changed) this.unwatch(role);
          },
          (error: unknown) => this.emitError(error),
        )
        .finally(() => (running = false));
    }, REDISCOVER_EVERY_MS);
    timer.unref();
    this.watchers.set(role, timer);
  }

  private unwatch(role: Role): void {
    clearInterval(this.watchers.get(role));
    this.watchers.delete(role);
  }

  /** Re-reads the slot map once; true when the masters changed (and the driver followed). */
  private async rereadOnce(role: Role, before: string, turn: number): Promise<boolean> {
    const client = this.clientOf(role);
    if (this.refresh !== undefined) {
      const masters = client.masters ?? [];
      // Starts from each master in turn (a dead one fails and node-redis goes on with the root nodes).
      if (masters.length > 0) await this.refreshOf(client)?.(masters[turn % masters.length]!);
      if (mastersKey(client.masters) === before) return false;
      if (role === 'main') this.resubscribe(this.sharded, 'sharded');
      return true;
    }
    return this.tryFreshClient(role, before);
  }

  private refreshOf(client: NodeRedisClusterClient): SlotMapRefresh | undefined {
    return client === this.main ? this.refresh : probeSlotRefresh(client);
  }

  // Public API only: a fresh cluster client reads the map from scratch; swapped in if it differs.
  private async tryFreshClient(role: Role, before: string): Promise<boolean> {
    const fresh = this.clientOf(role).duplicate();
    this.probes.add(fresh);
    const swallow = (): void => {};
    fresh.on('error', swallow);
    fresh.on('node-error', swallow);
    try {
      await withTimeout(fresh.connect(), 2000, 'cluster re-read');
    } catch (error) {
      this.probes.delete(fresh);
      this.drop(fresh);
      throw error;
    }
    this.probes.delete(fresh);
    const masters = fresh.masters;
    if (this.closed || (Array.isArray(masters) && mastersKey(masters) === before)) {
      this.drop(fresh);
      return false;
    }
    fresh.off('error', swallow);
    fresh.off('node-error', swallow);
    const old = this.clientOf(role);
    if (role === 'main') this.main = fresh;
    else this.block = fresh;
    this.attach(fresh, role);
    this.drop(old);
    if (role === 'main') {
      this.resubscribe(this.classic, 'classic');
      this.resubscribe(this.sharded, 'sharded');
      this.readyListeners.forEach((listener) => listener());
    }
    return true;
  }

  /** Subscribes again to every channel of `which` on the command client, retrying the ones that fail. */
  private resubscribe(which: Map<string, Listener>, kind: 'classic' | 'sharded', only?: ReadonlySet<string>): void {
    if (this.closed) return;
    const failed = new Set<string>();
    const attempts: Array<Promise<unknown>> = [];
    for (const [channel, listener] of which) {
      if (only !== undefined && !only.has(channel)) continue;
      const subscribing =
        kind === 'sharded' ? this.main.sSubscribe([channel], listener) : this.main.subscribe([channel], listener);
      attempts.push(
        subscribing.catch((error: unknown) => {
          failed.add(channel);
          this.emitError(error);
        }),
      );
    }
    void Promise.all(attempts).then(() => {
      if (failed.size === 0 || this.closed) return;
      setTimeout(() => this.resubscribe(which, kind, failed), RESUBSCRIBE_RETRY_MS).unref();
    });
  }

  private emitError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const listener of this.errorListeners) listener(err);
  }
}

/** The key a command is routed by: a script's first key, a command's first argument; none for PUBLISH. */
export function routingKey(args: readonly string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  switch (name) {
    case 'EVAL':
    case 'EVALSHA':
      return Number(args[2]) > 0 ? args[3] : undefined;
    case 'PUBLISH':
      return undefined;
    case 'XREAD': {
      const at = args.findIndex((arg) => arg.toUpperCase() === 'STREAMS');
      return at >= 0 ? args[at + 1] : undefined;
    }
    default:
      return args[1];
  }
}
