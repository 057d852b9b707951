/**
 * @module redis/errors
 * The error cluster-wide lookups reject with while Redis cannot be reached.
 */
import { WsException } from '../errors/ws-exception';

/**
 * Thrown by cluster-wide lookups (`members`, `ids`, `count`) while Redis is unreachable. A
 * `WsException`, so a handler that lets it through answers its client with `CLUSTER_UNAVAILABLE`
 * (503 when thrown at connect) instead of `INTERNAL_ERROR`.
 */
export class ClusterUnavailableError extends WsException {
  /** A stable code for logs and wire errors. */
  declare readonly code: 'CLUSTER_UNAVAILABLE';

  constructor(operation: string) {
    // The message reaches the client: it names the lookup, not the infrastructure behind it.
    super(
      'CLUSTER_UNAVAILABLE',
      `The cluster is unreachable: ${operation}() cannot be answered right now (local clients keep working)`,
      { status: 503 },
    );
    this.name = 'ClusterUnavailableError';
  }
}
