/**
 * @module redis/redis-driver
 * The small interface the adapter talks to Redis through: plain commands, one blocking command
 * stream (the inbox reader), pub/sub, and readiness. `NodeRedisDriver` implements it on node-redis;
 * any other client can be plugged in by implementing it (`new RedisAdapter({ driver })`).
 */

/** A reply as node-redis returns it for a raw command (RESP2: strings, numbers, arrays, null). */
export type RedisReply = unknown;

/** What the adapter needs from a Redis client library. */
export interface RedisDriver {
  /** True while plain commands can be sent (the command connection is up). */
  readonly ready: boolean;
  /** True while the blocking connection is up. */
  readonly blockingReady: boolean;
  /** Opens every connection; rejects when Redis cannot be reached within `timeoutMs` (Infinity: keeps trying). */
  connect(timeoutMs: number): Promise<void>;
  /**
   * Sends one command on the shared command connection. `key` routes it on a cluster (a key in the slot
   * the command touches, for a script that builds its key names itself); a single Redis ignores it.
   */
  command(args: readonly string[], key?: string): Promise<RedisReply>;
  /** Sends one blocking command (XREAD BLOCK) on a connection of its own. */
  blocking(args: readonly string[]): Promise<RedisReply>;
  /** Subscribes to channels; subscriptions are restored after every reconnect. */
  subscribe(channels: readonly string[], listener: (message: string, channel: string) => void): Promise<void>;
  /** True on a Redis Cluster: keys are hash-tagged and room traffic uses sharded pub/sub. */
  readonly cluster?: boolean;
  /** Sharded pub/sub (`SSUBSCRIBE`, Redis 7 clusters); restored after failovers and slot moves. */
  shardedSubscribe?(channels: readonly string[], listener: (message: string, channel: string) => void): Promise<void>;
  /** Ends sharded subscriptions made with `listener`. */
  shardedUnsubscribe?(channels: readonly string[], listener: (message: string, channel: string) => void): Promise<void>;
  /** Called after every (re)connection of the command connection. */
  onReady(listener: () => void): void;
  /** Called with every connection error (the driver never lets one go unhandled). */
  onError(listener: (error: Error) => void): void;
  /** Resolves true once the command (or blocking) connection is ready, false after `timeoutMs`. */
  waitReady(timeoutMs: number, blocking?: boolean): Promise<boolean>;
  /** Closes the connections the driver opened (a user's own client stays open). */
  close(): Promise<void>;
}

/** Resolves with the promise's value, or rejects after `ms` (the promise keeps a handler; Infinity: never). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms === Number.POSITIVE_INFINITY) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis ${what} timed out after ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves after `ms` (an unref'd timer). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

/** A node-redis client (single or cluster) as `connectClients` opens it. */
interface Openable {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
}

/**
 * Opens the clients not open yet within `timeoutMs`; when that fails, runs `close` and throws
 * `<failure>: <cause>` (the drivers' shared start-up).
 */
export async function connectClients(
  clients: readonly Openable[],
  timeoutMs: number,
  close: () => Promise<void>,
  failure: string,
): Promise<void> {
  const opening = clients.filter((client) => !client.isOpen).map((client) => client.connect().then(() => undefined));
  try {
    await withTimeout(Promise.all(opening), timeoutMs, 'connect');
  } catch (error) {
    for (const promise of opening) promise.catch(() => {});
    await close();
    throw new Error(`${failure}: ${(error as Error).message}`);
  }
}
