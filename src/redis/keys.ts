/**
 * @module redis/keys
 * Every Redis key and channel the adapter uses, derived from one prefix (nothing per client but
 * hash fields and set members, so a disconnected client leaves no key behind).
 * On a Redis Cluster the prefix is hash-tagged (`{myapp}`): the registry, inboxes, sessions and
 * presence share one slot, so every script of theirs stays in one slot; room logs and room channels
 * carry a tag of their room instead (`myapp:{room:<name>}`), so room traffic spreads over the shards.
 */

/** Names of one cluster's keys and channels. */
export class RedisKeys {
  /** What every key starts with: the key prefix, hash-tagged on a cluster. */
  readonly prefix: string;
  /** Sorted set: node id -> last heartbeat (Redis server time, ms). */
  readonly nodes: string;
  /** Hash: client id -> node id (routing for sends by id). */
  readonly clients: string;
  /** Pub/sub channel of room and global broadcasts (sharded on a cluster: app-wide and multi-room ones). */
  readonly broadcastChannel: string;
  /** Pub/sub channel of cluster queries and node notices (hello, bye, gone). */
  readonly requestChannel: string;

  constructor(
    /** The `keyPrefix` option as given. */
    readonly base: string,
    /** Keys for a Redis Cluster (hash-tagged). */
    readonly cluster = false,
  ) {
    const prefix = cluster ? `{${base}}` : base;
    this.prefix = prefix;
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

  /** Sharded channel of one room's broadcasts (cluster only): in the slot of the room's log. */
  roomChannel(room: string): string {
    return `${this.base}:{room:${room}}#room`;
  }
}
