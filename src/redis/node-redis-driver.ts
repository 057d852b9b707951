/**
 * @module redis/node-redis-driver
 * `RedisDriver` on node-redis (v4.6+, v5 or v6): three connections (commands, pub/sub, the blocking
 * inbox reader), each with an `error` listener, a bounded command queue, and quick reconnects.
 */
import { createClient } from 'redis';
import { connectClients, type RedisDriver, type RedisReply } from './redis-driver';

/** The part of a node-redis client the driver uses (a `createClient()` result fits). */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  duplicate(): NodeRedisClient;
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
  subscribe(
    channels: string | string[],
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** node-redis 5+ (rejects what is pending and drops the socket at once). */
  destroy?(): void;
  /** node-redis 4's equivalent of `destroy`. */
  disconnect?(): Promise<unknown>;
}

/**
 * How the driver gets its connections: a URL it dials itself, or a user's client it duplicates;
 * `owner` names who uses it in errors (default `RedisAdapter`).
 */
export type NodeRedisSource = ({ url: string; maxQueuedCommands: number } | { client: NodeRedisClient }) & {
  owner?: string | undefined;
};

// Reconnect quickly (100 ms, doubling, at most 1 s apart) so a blip costs little.
const reconnectStrategy = (retries: number): number => Math.min(100 * 2 ** Math.min(retries, 4), 1000);

/** node-redis implementation of `RedisDriver`. */
export class NodeRedisDriver implements RedisDriver {
  private readonly main: NodeRedisClient;
  private readonly sub: NodeRedisClient;
  private readonly block: NodeRedisClient;
  private readonly ownsMain: boolean;
  private readonly readyListeners: Array<() => void> = [];
  private readonly errorListeners: Array<(error: Error) => void> = [];
  private readonly waiters = new Set<{ blocking: boolean; done: (ok: boolean) => void }>();
  private readonly detach: Array<() => void> = [];
  private closed = false;
  private readonly owner: string;

  constructor(source: NodeRedisSource) {
    this.owner = source.owner ?? 'RedisAdapter';
    if ('client' in source) {
      const client = source.client as Partial<NodeRedisClient>;
      if (
        typeof client.sendCommand !== 'function' ||
        typeof client.duplicate !== 'function' ||
        !('isReady' in client)
      ) {
        throw new TypeError(
          `${this.owner}: \`client\` must be a node-redis client (createClient() from 'redis' v4.6+, v5 or v6); for another library implement \`RedisDriver\` and pass it as \`driver\``,
        );
      }
      this.main = source.client;
      this.ownsMain = false;
    } else {
      this.main = createClient({
        url: source.url,
        // RESP2 on every version: node-redis 6 defaults to RESP3, which also turns on its
        // maintenance push handling (and its relaxed timeouts); the raw replies read here are the
        // same either way (`parseXRead` takes both shapes), so the connections we open stay alike.
        RESP: 2,
        commandsQueueMaxLength: source.maxQueuedCommands,
        socket: { reconnectStrategy, connectTimeout: 2000 },
      }) as unknown as NodeRedisClient;
      this.ownsMain = true;
    }
    this.sub = this.main.duplicate();
    this.block = this.main.duplicate();
    for (const client of [this.main, this.sub, this.block]) {
      this.listen(client, 'error', (error) => this.emitError(error));
      this.listen(client, 'ready', () => this.wake(client));
    }
    this.listen(this.main, 'ready', () => this.readyListeners.forEach((listener) => listener()));
  }

  get ready(): boolean {
    return this.main.isReady;
  }

  get blockingReady(): boolean {
    return this.block.isReady;
  }

  async connect(timeoutMs: number): Promise<void> {
    await connectClients(
      [this.main, this.sub, this.block],
      timeoutMs,
      () => this.close(),
      `${this.owner} could not reach Redis`,
    );
  }

  command(args: readonly string[], _key?: string): Promise<RedisReply> {
    return this.main.sendCommand(args);
  }

  // node-redis 6's default command timeout (5 s) only covers a command's wait to be written, so it
  // never cuts a read blocked on Redis's side short.
  blocking(args: readonly string[]): Promise<RedisReply> {
    return this.block.sendCommand(args);
  }

  async subscribe(
    channels: readonly string[],
    listener: (message: string, channel: string) => void,
  ): Promise<void> {
    await this.sub.subscribe([...channels], listener);
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  waitReady(timeoutMs: number, blocking = false): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (blocking ? this.blockingReady : this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        blocking,
        done: (ok: boolean): void => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  // Connections are destroyed, never `close()`d: on node-redis 5 a close() still draining a frozen
  // Redis makes the destroy() that must follow it throw and leave the socket open, and replies
  // arriving after a thaw then crash its command queue with an uncaught TypeError. The adapter has
  // awaited what it needed (its leave) before calling this; anything else pending is rejected.
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.done(false);
    this.detach.splice(0).forEach((undo) => undo());
    // Keep an error listener on what we close: a late socket error must never go unhandled.
    const swallow = (): void => {};
    const owned = this.ownsMain ? [this.sub, this.block, this.main] : [this.sub, this.block];
    for (const client of owned) {
      client.on('error', swallow);
      destroy(client);
    }
  }

  private listen(client: NodeRedisClient, event: string, listener: (...args: unknown[]) => void): void {
    client.on(event, listener);
    this.detach.push(() => client.off(event, listener));
  }

  private wake(client: NodeRedisClient): void {
    const blocking = client === this.block;
    if (client !== this.main && !blocking) return;
    for (const waiter of [...this.waiters]) if (waiter.blocking === blocking) waiter.done(true);
  }

  private emitError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const listener of this.errorListeners) listener(err);
  }
}

// Drops a connection at once, whatever its state (open, reconnecting, already closed) and version.
function destroy(client: NodeRedisClient): void {
  if (!client.isOpen) return;
  try {
    if (client.destroy) client.destroy();
    else client.disconnect?.().catch(() => {});
  } catch {
    // Already being torn down by node-redis itself: nothing left to drop.
  }
}
