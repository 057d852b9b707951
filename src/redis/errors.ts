/**
 * @module redis/errors
 * The errors of the Redis protocol: the cluster cannot be reached, or a peer speaks another version.
 */
import { WsException } from '../errors/ws-exception';

/**
 * Thrown by cluster-wide lookups (`members`, `ids`, `count`) while Redis is unreachable, and by the
 * emitter's operations. A `WsException`, so a handler that lets it through answers its client with
 * `CLUSTER_UNAVAILABLE` (503 when thrown at connect) instead of `INTERNAL_ERROR`.
 */
export class ClusterUnavailableError extends WsException {
  /** A stable code for logs and wire errors. */
  declare readonly code: 'CLUSTER_UNAVAILABLE';

  constructor(operation: string, message?: string) {
    // The message reaches the client: it names the lookup, not the infrastructure behind it.
    super(
      'CLUSTER_UNAVAILABLE',
      message ??
        `The cluster is unreachable: ${operation}() cannot be answered right now (local clients keep working)`,
      { status: 503 },
    );
    this.name = 'ClusterUnavailableError';
  }
}

/**
 * A node or emitter speaks another version of the Redis protocol than this process: the packet was
 * not acted on. Nodes log it (at error level); the emitter rejects with it.
 */
export class ProtocolVersionError extends Error {
  /** A stable code for logs. */
  readonly code = 'PROTOCOL_VERSION_MISMATCH';

  constructor(
    /** The version this process speaks. */
    readonly localVersion: number,
    /** The version the other side wrote (NaN when unreadable). */
    readonly remoteVersion: number,
    /** The other node's or emitter's id. */
    readonly remoteId: string,
    what: string,
  ) {
    super(
      `${what}: ${remoteId} speaks Redis protocol version ${String(remoteVersion)} and this process speaks ` +
        `version ${localVersion}; run the same ws-controllers version on every node and emitter of a cluster`,
    );
    this.name = 'ProtocolVersionError';
  }
}
