/**
 * @module ws-controllers/emitter
 * Send to the clients of a cluster from any process, without sockets of its own (an HTTP API, a
 * queue worker, a cron job), through the Redis the nodes' `RedisAdapter` uses. Needs the `redis`
 * package (node-redis v4.6+, v5 or v6), like `ws-controllers/redis`.
 */
// Like every server-side entry (nothing here decorates, but a program may import this one first).
import 'reflect-metadata';
import { Emitter } from './emitter';
import type { EmitterOptions } from './options';

/** Creates an emitter; it connects in the background (operations wait for it within their timeout). */
export function createEmitter(options: EmitterOptions = {}): Emitter {
  return new Emitter(options);
}

export { Emitter };
export { EmitterTarget } from './emitter-target';
export type { EmitterOptions, EmitterBroadcastOptions, EmitterCloseOptions } from './options';
export { ClusterUnavailableError, ProtocolVersionError } from '../redis/errors';
export { REDIS_PROTOCOL_VERSION } from '../redis/wire';
export type { RedisDriver, RedisReply } from '../redis/redis-driver';
export type { NodeRedisClient } from '../redis/node-redis-driver';
