/**
 * @module sample-app/storage/redis-stores
 * Channels and nicknames kept in Redis, so every node of a cluster shares them and they survive
 * restarts. One Redis connection serves both (and the scale-out adapter).
 */
import { createClient } from 'redis';
import { DEFAULT_CHANNELS, MAX_CHANNELS } from '../chat/chat-types';
import { ChannelDirectory, type AddResult } from './channel-directory';
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

// Adds a channel unless it exists or the directory is full; its score is its creation time.
const ADD_CHANNEL = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 'exists' end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'full' end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 'added'`;

/** The channels others created, in one sorted set (by creation time); the defaults are not stored. */
export class RedisChannelDirectory extends ChannelDirectory {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix = 'ws-chat',
  ) {
    super();
    this.key = `${prefix}:channels`;
  }

  async add(channel: string): Promise<AddResult> {
    if (DEFAULT_CHANNELS.includes(channel)) return 'exists';
    const result = await this.redis.eval(ADD_CHANNEL, {
      keys: [this.key],
      arguments: [channel, String(MAX_CHANNELS - DEFAULT_CHANNELS.length), String(Date.now())],
    });
    return result as AddResult;
  }

  async list(): Promise<string[]> {
    return [...DEFAULT_CHANNELS, ...(await this.redis.zRange(this.key, 0, -1))];
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

  async claim(name: string, id: string, tabKey?: string): Promise<NameClaim | undefined> {
    const key = name.toLowerCase();
    const claim: NameClaim = { holder: id, since: Date.now(), key: tabKey };
    if (await this.redis.hSetNX(this.names, key, JSON.stringify(claim))) {
      await this.redis.hSet(this.ids, id, name);
      return undefined;
    }
    const current = await this.redis.hGet(this.names, key);
    if (current === null || current === undefined) return this.claim(name, id, tabKey); // released meanwhile
    const existing = JSON.parse(current) as NameClaim;
    return existing.holder === id ? undefined : existing;
  }

  async replace(name: string, previous: string, id: string, tabKey?: string): Promise<boolean> {
    const claim: NameClaim = { holder: id, since: Date.now(), key: tabKey };
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

  // The channel directory closes the shared connection.
  async close(): Promise<void> {}
}
