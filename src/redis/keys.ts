/**
 * @module redis/keys
 * Every Redis key and channel the adapter uses, derived from one prefix (nothing per client but
 * hash fields and set members, so a disconnected client leaves no key behind).
 */

/** Names of one cluster's keys and channels. */
export class RedisKeys {
  /** Sorted set: node id -> last heartbeat (Redis server time, ms). */
  readonly nodes: string;
  /** Hash: client id -> node id (routing for sends by id). */
  readonly clients: string;
  /** Pub/sub channel of room and global broadcasts. */
  readonly broadcastChannel: string;
  /** Pub/sub channel of cluster queries and node notices (hello, bye, gone). */
  readonly requestChannel: string;

  constructor(readonly prefix: string) {
    this.nodes = `${prefix}:nodes`;
    this.clients = `${prefix}:clients`;
    this.broadcastChannel = `${prefix}#broadcast`;
    this.requestChannel = `${prefix}#request`;
  }

  /** Set: the ids of one node's clients (what a purge removes). */
  nodeClients(nodeId: string): string {
    return `${this.prefix}:node:${nodeId}:clients`;
  }

  /** Stream: one node's inbox of commands (send, disconnect, join, leave, rooms) and acks. */
  inbox(nodeId: string): string {
    return `${this.prefix}:inbox:${nodeId}`;
  }

  /** Pub/sub channel where one node receives replies to its queries. */
  replyChannel(nodeId: string): string {
    return `${this.prefix}#reply:${nodeId}`;
  }
}
