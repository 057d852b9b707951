/**
 * @module sample-app/storage/chat-stores
 * Picks where the chat keeps its state: memory by default, Redis when a URL is given.
 */
import { InMemoryHistoryStore, type HistoryStore } from './history-store';
import { InMemoryNameRegistry, type NameRegistry } from './name-registry';
import { connectRedis, RedisHistoryStore, RedisNameRegistry, type RedisClient } from './redis-stores';

/** The chat's state. */
export interface ChatStores {
  history: HistoryStore;
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
    const history = new InMemoryHistoryStore();
    const names = new InMemoryNameRegistry();
    return { history, names, kind: 'memory', close: async () => {} };
  }
  const redis = await connectRedis(redisUrl, onError);
  const history = new RedisHistoryStore(redis);
  const names = new RedisNameRegistry(redis);
  return { history, names, kind: 'redis', redis, close: () => history.close() };
}
