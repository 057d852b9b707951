/**
 * @module redis/errors
 * The error cluster-wide lookups reject with while Redis cannot be reached.
 */

/** Thrown by cluster-wide lookups (`members`, `ids`, `count`) while Redis is unreachable. */
export class ClusterUnavailableError extends Error {
  /** A stable code for logs and wire errors. */
  readonly code = 'CLUSTER_UNAVAILABLE';

  constructor(operation: string) {
    super(
      `Redis is unreachable: the cluster-wide ${operation}() cannot be answered (local clients keep working)`,
    );
    this.name = 'ClusterUnavailableError';
  }
}
