/**
 * @module redis/node-redis-cluster-driver
 * `RedisDriver` on a node-redis cluster client (`createCluster`, v5 or v6): commands routed by the
 * slot of their key (a hash-tagged key of the adapter's), sharded pub/sub (`SSUBSCRIBE`), classic
 * pub/sub for the control channels, and a second cluster client for the blocking inbox read (a
 * blocked XREAD must not hold the connection the other commands to its master share).
 * node-redis only re-reads the slot map on a MOVED reply, which a dead master never sends: while a
 * node reports errors the driver asks it to re-read the map (every 250 ms at most), so commands
 * reach the promoted replica once the cluster has failed over. A re-read that drops a dead master
 * also drops its sharded subscriptions without a word: after each one the driver subscribes again
 * to every sharded channel it holds (node-redis sends nothing for those still subscribed).
 */
import { createCluster } from 'redis';
import { withTimeout, type RedisDriver, type RedisReply } from './redis-driver';

type Listener = (message: string, channel: string) => void;

/** The part of a node-redis cluster client the driver uses (a `createCluster()` result fits). */
export interface NodeRedisClusterClient {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  duplicate(): NodeRedisClusterClient;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  subscribe(channels: string | string[], listener: Listener): Promise<unknown>;
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

/** Whether `value` looks like a node-redis cluster client (and not a single-node client). */
export function isClusterClient(value: unknown): value is NodeRedisClusterClient {
  const client = value as Partial<NodeRedisClusterClient> | undefined;
  return typeof client?.sSubscribe === 'function' && typeof client.sendCommand === 'function' && !('isReady' in client);
}

/** node-redis cluster implementation of `RedisDriver`. */
export class NodeRedisClusterDriver implements RedisDriver {
  readonly cluster = true;
  private readonly main: NodeRedisClusterClient;
  private readonly block: NodeRedisClusterClient;
  private readonly ownsMain: boolean;
  private readonly readyListeners: Array<() => void> = [];
  private readonly errorListeners: Array<(error: Error) => void> = [];
  private readonly detach: Array<() => void> = [];
  private connected = false;
  private closed = false;
  /** Sharded channels subscribed to, with their listener (restored after a failover). */
  private readonly sharded = new Map<string, Listener>();
  private readonly owner: string;

  constructor(source: NodeRedisClusterSource) {
    this.owner = source.owner ?? 'RedisAdapter';
    if ('client' in source) {
      if (!isClusterClient(source.client))
        throw new TypeError(`${this.owner}: \`client\` is not a node-redis cluster client (createCluster() from 'redis')`);
      this.main = source.client;
      this.ownsMain = false;
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
      this.ownsMain = true;
    }
    this.block = this.main.duplicate();
    for (const client of [this.main, this.block]) {
      this.listen(client, 'error', (error) => this.emitError(error));
      this.listen(client, 'node-error', (error) => {
        this.emitError(error);
        this.rediscover(client);
      });
    }
  }

  get ready(): boolean {
    return this.connected && !this.closed && this.main.isOpen;
  }

  get blockingReady(): boolean {
    return this.connected && !this.closed && this.block.isOpen;
  }

  async connect(timeoutMs: number): Promise<void> {
    const opening = [this.main, this.block]
      .filter((client) => !client.isOpen)
      .map((client) => client.connect().then(() => undefined));
    try {
      await withTimeout(Promise.all(opening), timeoutMs, 'connect');
    } catch (error) {
      for (const promise of opening) promise.catch(() => {});
      await this.close();
      throw new Error(`${this.owner} could not reach the Redis Cluster: ${(error as Error).message}`);
    }
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
    await this.main.subscribe([...channels], listener);
  }

  // One channel per call: a call is routed by its first channel's slot.
  async shardedSubscribe(channels: readonly string[], listener: Listener): Promise<void> {
    for (const channel of channels) this.sharded.set(channel, listener);
    await Promise.all(channels.map((channel) => this.main.sSubscribe([channel], listener)));
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
    this.unwatch();
    this.detach.splice(0).forEach((undo) => undo());
    const swallow = (): void => {};
    for (const client of this.ownsMain ? [this.block, this.main] : [this.block]) {
      client.on('error', swallow);
      client.on('node-error', swallow);
      try {
        if (client.isOpen) client.destroy();
      } catch {
        // already torn down
      }
    }
  }

  // node-redis re-reads the slot map on MOVED only; a dead master's node client just keeps
  // reconnecting, so after a node error the driver re-reads it (an internal of node-redis 5 and 6,
  // used when present) every 250 ms until the masters change (the replica was promoted) or 30 s pass.
  private watching: NodeJS.Timeout | undefined;

  private rediscover(client: NodeRedisClusterClient): void {
    if (this.closed || this.watching !== undefined) return;
    const internals = client as unknown as { _slots?: Slots; _options?: { rootNodes?: unknown[] } };
    const slots = internals._slots;
    const roots = internals._options?.rootNodes ?? [];
    if (slots?.rediscover === undefined || roots.length === 0) return;
    let next = 0;
    const before = mastersOf(slots);
    const until = Date.now() + 30_000;
    let running = false;
    this.watching = setInterval(() => {
      if (running) return;
      if (this.closed || Date.now() > until) return this.unwatch();
      running = true;
      // Starts from a root node (never from defaults: a client without options would dial localhost:6379).
      slots.rediscover!({ options: roots[next++ % roots.length] })
        .then(
          () => {
            if (mastersOf(slots) === before) return;
            this.unwatch();
            if (client === this.main) this.resubscribe();
          },
          (error: unknown) => this.emitError(error),
        )
        .finally(() => (running = false));
    }, REDISCOVER_EVERY_MS);
    this.watching.unref();
  }

  private unwatch(): void {
    clearInterval(this.watching);
    this.watching = undefined;
  }

  private resubscribe(): void {
    if (this.closed || !this.main.isOpen) return;
    for (const [channel, listener] of this.sharded)
      this.main.sSubscribe([channel], listener).catch((error: unknown) => this.emitError(error));
  }

  private listen(client: NodeRedisClusterClient, event: string, listener: (...args: unknown[]) => void): void {
    client.on(event, listener);
    this.detach.push(() => client.off(event, listener));
  }

  private emitError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const listener of this.errorListeners) listener(err);
  }
}

/** The internals of node-redis 5/6's slot map used here (absent on other versions: nothing is done). */
interface Slots {
  rediscover?: (start: unknown) => Promise<unknown>;
  masters?: Array<{ address?: string }>;
}

function mastersOf(slots: Slots | undefined): string {
  return (slots?.masters ?? []).map((master) => master.address).join(',');
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
