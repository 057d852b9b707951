/**
 * @module ws-controllers/redis
 * Scale-out through Redis. Needs the `redis` package (node-redis v4.6+, v5 or v6), an optional peer
 * dependency of ws-controllers, and Redis 6.2 or later.
 */
// Before anything that loads tsyringe or decorates: users never import the polyfill themselves.
import 'reflect-metadata';
export { RedisAdapter } from './redis-adapter';
export type { RedisAdapterOptions } from './options';
export type { RedisDriver, RedisReply } from './redis-driver';
export { NodeRedisDriver, type NodeRedisClient } from './node-redis-driver';
export { NodeRedisClusterDriver, type NodeRedisClusterClient } from './node-redis-cluster-driver';
export { ClusterUnavailableError, ProtocolVersionError } from './errors';
export { REDIS_PROTOCOL_VERSION } from './wire';
