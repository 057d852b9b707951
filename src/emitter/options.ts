/**
 * @module emitter/options
 * Options of `createEmitter`: the Redis adapter's, since an emitter speaks its protocol.
 */
import type { RedisAdapterOptions } from '../redis/options';

/**
 * Options of `createEmitter`. Give one of `url`, `client` or `driver`, and the `keyPrefix` of the
 * nodes to reach; `requestTimeoutMs` bounds every operation (a send not acked by then is `false`,
 * Redis unreachable by then is a `ClusterUnavailableError`), `nodeTimeoutMs` must match the nodes'
 * (the emitter waits only for nodes that heartbeat within it), and `logger` defaults to the
 * framework's pino logger (`false` for none).
 */
export type EmitterOptions = RedisAdapterOptions;

/** Options of `Emitter.broadcast`. */
export interface EmitterBroadcastOptions {
  /** Only clients on this controller path. */
  path?: string | undefined;
  /** Never these client ids. */
  except?: string | readonly string[] | undefined;
}

/** Options of `Emitter.close`. */
export interface EmitterCloseOptions {
  /** The most `close()` waits for Redis before cutting its connections. @default 2000 */
  timeoutMs?: number | undefined;
}
