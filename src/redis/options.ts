/**
 * @module redis/options
 * Options of `new RedisAdapter(...)` (and of `createEmitter`, which speaks the same protocol), with
 * their defaults.
 */
import type { Logger } from '../util/logger';
import type { NodeRedisClusterClient } from './node-redis-cluster-driver';
import type { NodeRedisClient } from './node-redis-driver';
import type { RedisDriver } from './redis-driver';

/** Options of `RedisAdapter`. Give one of `url`, `cluster`, `client` or `driver`. */
export interface RedisAdapterOptions {
  /**
   * A Redis Cluster (Redis 7+): the adapter opens a node-redis cluster client on these nodes; keys are
   * hash-tagged and room broadcasts use sharded pub/sub (a node receives only its rooms' traffic).
   */
  cluster?: { rootNodes: ReadonlyArray<{ url: string }> } | undefined;
  /** Where Redis is; the adapter opens its own connections. @default 'redis://127.0.0.1:6379' */
  url?: string | undefined;
  /**
   * Your own node-redis client (`createClient()` from `redis` v4.6+, v5 or v6, or `createCluster()` from
   * v5 or v6); the adapter duplicates it for pub/sub and its blocking inbox reader, connects it if
   * needed, and never closes it.
   */
  client?: NodeRedisClient | NodeRedisClusterClient | undefined;
  /** Any other client library, behind the adapter's small `RedisDriver` interface. */
  driver?: RedisDriver | undefined;
  /** Prefix of every key and channel; apps sharing one Redis need distinct prefixes. @default 'ws-controllers' */
  keyPrefix?: string | undefined;
  /** How long a cluster request (send by id, lookups) waits for other nodes. @default 5000 */
  requestTimeoutMs?: number | undefined;
  /** A node silent for this long is purged by the others (its clients vanish). @default 30000 */
  nodeTimeoutMs?: number | undefined;
  /**
   * How often a node proves it is alive; below `nodeTimeoutMs`, and a third of it or less leaves room
   * for a missed beat (a node silent for `nodeTimeoutMs - heartbeatMs` is purged).
   * @default min(5000, nodeTimeoutMs / 3)
   */
  heartbeatMs?: number | undefined;
  /** Bound of the Redis command queue, offline queue included (past it commands fail fast). @default 10000 */
  maxQueuedCommands?: number | undefined;
  /** Approximate bound of each node's inbox stream (entries waiting for a paused node). @default 10000 */
  inboxMaxLength?: number | undefined;
  /** Where the adapter logs; `false` for nowhere. @default the app's logger */
  logger?: Logger | false | undefined;
}

/** Options with defaults applied. */
export interface ResolvedRedisOptions {
  keyPrefix: string;
  requestTimeoutMs: number;
  nodeTimeoutMs: number;
  heartbeatMs: number;
  /** A node whose last heartbeat is older than this is purged (leaves one heartbeat of slack). */
  staleAfterMs: number;
  maxQueuedCommands: number;
  inboxMaxLength: number;
}

/** Applies defaults and checks the timing options fit together. */
export function resolveRedisOptions(
  options: RedisAdapterOptions,
  owner = 'RedisAdapter',
): ResolvedRedisOptions {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.min(5000, Math.floor(nodeTimeoutMs / 3));
  if (!(heartbeatMs > 0) || heartbeatMs >= nodeTimeoutMs) {
    throw new RangeError(
      `${owner}: heartbeatMs (${heartbeatMs}) must be positive and below nodeTimeoutMs (${nodeTimeoutMs})`,
    );
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  if (!(requestTimeoutMs > 0)) throw new RangeError(`${owner}: requestTimeoutMs must be positive`);
  return {
    keyPrefix: options.keyPrefix ?? 'ws-controllers',
    requestTimeoutMs,
    nodeTimeoutMs,
    heartbeatMs,
    // A node dies at most one heartbeat after its last beat and is seen at most one check later,
    // so purging after (timeout - heartbeat) of silence removes it within `nodeTimeoutMs`.
    staleAfterMs: nodeTimeoutMs - heartbeatMs,
    maxQueuedCommands: options.maxQueuedCommands ?? 10_000,
    inboxMaxLength: options.inboxMaxLength ?? 10_000,
  };
}
