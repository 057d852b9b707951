/**
 * @module sample-app/storage/redis-stores
 * History and nicknames kept in Redis, so every node of a cluster shares them and history survives
 * restarts. One Redis connection serves both.
 */
import { createClient } from 'redis';
import { HISTORY_SIZE, type ChatMessage } from '../chat/chat-types';
import { HistoryStore } from './history-store';
import { NameRegistry, type NameClaim } from './name-registry';

/** A node-redis client. */
export type RedisClient = ReturnType<typeof createClient>;

/** Opens the Redis connection the chat stores share; rejects when Redis cannot be reached at start-up. */
export async function connectRedis(url: string, onError: (error: Error) => void): Promise<RedisClient> {
  let connected = false;
  let failing = false;
  const client = createClient({
    url,
    socket: {
      // Give up quickly at start-up (a wrong REDIS_URL should fail, not hang); later, retry for ever.
      reconnectStrategy: (retries, cause) =>
        !connected && retries >= 2 ? new Error(`Redis is unreachable at ${url}: ${cause.message}`) : Math.min(100 * 2 ** retries, 3000),
    },
  });
  // Without a listener a dropped connection would crash the process; log once per outage, not per retry.
  client.on('error', (error: Error) => {
    if (connected && !failing) onError(error);
    failing = true;
  });
  client.on('ready', () => (failing = false));
  await client.connect();
  connected = true;
  return client;
}

/** History as one capped Redis list per channel. */
export class RedisHistoryStore extends HistoryStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'ws-chat',
  ) {
    super();
  }

  async append(message: ChatMessage): Promise<void> {
    const key = `${this.prefix}:history:${message.channel}`;
    await this.redis.multi().rPush(key, JSON.stringify(message)).lTrim(key, -HISTORY_SIZE, -1).exec();
  }

  async recent(channel: string): Promise<ChatMessage[]> {
    const items = await this.redis.lRange(`${this.prefix}:history:${channel}`, -HISTORY_SIZE, -1);
    return items.map((item) => JSON.parse(item) as ChatMessage);
  }

  async close(): Promise<void> {
    if (this.redis.isOpen) await this.redis.close();
  }
}

// Compare-and-set of a name's claim, atomic in Redis.
const REPLACE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or cjson.decode(current).holder ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[5])
return 1`;

/** Nicknames in two Redis hashes: name -> claim, id -> name. */
export class RedisNameRegistry extends NameRegistry {
  private readonly names: string;
  private readonly ids: string;

  constructor(
    private readonly redis: RedisClient,
    prefix = 'ws-chat',
  ) {
    super();
    this.names = `${prefix}:names`;
    this.ids = `${prefix}:ids`;
  }

  async claim(name: string, id: string): Promise<NameClaim | undefined> {
    const key = name.toLowerCase();
    const claim: NameClaim = { holder: id, since: Date.now() };
    if (await this.redis.hSetNX(this.names, key, JSON.stringify(claim))) {
      await this.redis.hSet(this.ids, id, name);
      return undefined;
    }
    const current = await this.redis.hGet(this.names, key);
    if (current === null || current === undefined) return this.claim(name, id); // released meanwhile
    const existing = JSON.parse(current) as NameClaim;
    return existing.holder === id ? undefined : existing;
  }

  async replace(name: string, previous: string, id: string): Promise<boolean> {
    const claim: NameClaim = { holder: id, since: Date.now() };
    const done = await this.redis.eval(REPLACE, {
      keys: [this.names, this.ids],
      arguments: [name.toLowerCase(), previous, id, JSON.stringify(claim), name],
    });
    return done === 1;
  }

  async holderOf(name: string): Promise<string | undefined> {
    const current = await this.redis.hGet(this.names, name.toLowerCase());
    return current ? (JSON.parse(current) as NameClaim).holder : undefined;
  }

  async release(id: string): Promise<void> {
    const name = await this.redis.hGet(this.ids, id);
    await this.redis.hDel(this.ids, id);
    if (name === null || name === undefined) return;
    const key = name.toLowerCase();
    const current = await this.redis.hGet(this.names, key);
    if (current && (JSON.parse(current) as NameClaim).holder === id) await this.redis.hDel(this.names, key);
  }

  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (ids.length === 0) return names;
    const found = await this.redis.hmGet(this.ids, [...ids]);
    ids.forEach((id, index) => {
      const name = found[index];
      if (typeof name === 'string') names.set(id, name);
    });
    return names;
  }

  // The history store closes the shared connection.
  async close(): Promise<void> {}
}
