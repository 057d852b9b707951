/**
 * @module redis/recovery-keys
 * The keys of session recovery. Each room's log and each session's record + direct log carry a
 * hash tag (`{room:<name>}`, `{s:<id>}`), so on a Redis Cluster (issue 22) one room's or one session's
 * keys share a slot. On a cluster the prefix itself is tagged (`{myapp}`, see keys.ts): sessions,
 * direct logs, the broadcast log, the clock and the node sets all live in its slot (the scripts that
 * expire, claim and purge sessions touch several of them), while room logs keep their room's tag and
 * spread over the shards. The Lua that converts a purged node's sessions builds the same names from the
 * prefix (`sessionKey`/`directKey` in recovery-scripts.ts): change both together.
 */

/** Names of the recovery keys of one cluster (one `keyPrefix`). */
export class RecoveryKeys {
  /** Stream: the app-wide broadcast log (pushes without rooms). */
  readonly broadcastLog: string;
  /** Sorted set: detached session id -> end of its window (ms since the epoch). */
  readonly detached: string;
  /** String: the last id given (one clock for every log, so ids of different logs sort in push order). */
  readonly clock: string;

  constructor(
    /** The prefix of every key but room logs (hash-tagged on a cluster). */
    readonly prefix: string,
    /** The key prefix as given (room logs: `<base>:{room:<name>}:log`). */
    readonly base: string = prefix,
  ) {
    this.broadcastLog = `${prefix}:{b}:log`;
    this.detached = `${prefix}:recovery:detached`;
    this.clock = `${prefix}:recovery:clock`;
  }

  /** Stream: one room's log. */
  roomLog(room: string): string {
    return `${this.base}:{room:${room}}:log`;
  }

  /** Hash: one session's record. */
  session(clientId: string): string {
    return `${this.prefix}:{s:${clientId}}:session`;
  }

  /** Stream: one session's direct log. */
  direct(clientId: string): string {
    return `${this.prefix}:{s:${clientId}}:direct`;
  }

  /** Set: the sessions one node holds (what its purge detaches). */
  held(nodeId: string): string {
    return `${this.prefix}:recovery:node:${nodeId}:sessions`;
  }
}
