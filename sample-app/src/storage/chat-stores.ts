/**
 * @module sample-app/storage/chat-stores
 * Picks where the chat keeps what the framework does not: the channel list and the nicknames. Memory
 * by default, Redis when a URL is given. (Messages need no store: `rooms.history` reads the room logs.)
 */
import { InMemoryChannelDirectory, type ChannelDirectory } from './channel-directory';
import { InMemoryNameRegistry, type NameRegistry } from './name-registry';
import { connectRedis, RedisChannelDirectory, RedisNameRegistry, type RedisClient } from './redis-stores';

/** The chat's own state. */
export interface ChatStores {
  channels: ChannelDirectory;
  names: NameRegistry;
  /** `memory` or `redis`, for the start-up line. */
  kind: 'memory' | 'redis';
  /** The Redis connection, when there is one (the scale-out adapter shares its settings). */
  redis?: RedisClient;
  close(): Promise<void>;
}

/** In-memory stores, or Redis ones when `redisUrl` is set. */
export async function createChatStores(redisUrl: string | undefined, onError: (error: Error) => void = () => {}): Promise<ChatStores> {
  if (!redisUrl) {
    return { channels: new InMemoryChannelDirectory(), names: new InMemoryNameRegistry(), kind: 'memory', close: async () => {} };
  }
  const redis = await connectRedis(redisUrl, onError);
  const channels = new RedisChannelDirectory(redis);
  const names = new RedisNameRegistry(redis);
  return { channels, names, kind: 'redis', redis, close: () => channels.close() };
}
