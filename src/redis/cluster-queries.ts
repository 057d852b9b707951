/**
 * @module redis/cluster-queries
 * Lookups answered by every live node from its own state (members, ids, count, where a client is),
 * asked over pub/sub with replies on the asker's own channel, and the node notices (hello, bye,
 * gone) that keep each node's view of its live peers current between heartbeats.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterHost } from '../adapter/adapter';
import { ClusterUnavailableError } from './errors';
import type { RedisKeys } from './keys';
import type { NodeRegistry } from './node-registry';
import type { ResolvedRedisOptions } from './options';
import type { PendingRequests } from './pending-requests';
import { withTimeout, type RedisDriver } from './redis-driver';
import type { QueryKind, ReplyMessage, RequestMessage } from './wire';

/** Cluster-wide lookups and node notices of one node. */
export class ClusterQueries {
  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly host: AdapterHost,
    private readonly options: ResolvedRedisOptions,
    private readonly pending: PendingRequests,
    private readonly registry: NodeRegistry,
    private readonly warn: (kind: string, message: string, error?: unknown) => void,
  ) {}

  /** The node a client is on, asking every live node; undefined when none has it. */
  async locate(clientId: string, deadline: number): Promise<string | undefined> {
    const replies = await this.query(
      'locate',
      clientId,
      Math.max(1, deadline - Date.now()),
      (found) => found === true,
    );
    for (const [node, found] of replies) if (found === true) return node;
    return undefined;
  }

  /** Asks every live peer; resolves with one reply per peer, or what arrived by the timeout. */
  async query(
    kind: QueryKind,
    arg: string | undefined,
    timeoutMs = this.options.requestTimeoutMs,
    stop?: (value: unknown) => boolean,
  ): Promise<Map<string, unknown>> {
    const peers = this.registry.peers;
    if (peers.size === 0) return new Map();
    if (!this.driver.ready) throw new ClusterUnavailableError(kind);
    const id = randomBytes(9).toString('base64url');
    const replies = this.pending.gather(id, peers, timeoutMs, stop);
    const request: RequestMessage = { t: 'query', k: kind, r: id, f: this.host.nodeId, a: arg };
    try {
      await withTimeout(
        this.driver.command(['PUBLISH', this.keys.requestChannel, JSON.stringify(request)]),
        timeoutMs,
        'PUBLISH',
      );
    } catch {
      this.pending.cancel(id);
      await replies;
      throw new ClusterUnavailableError(kind);
    }
    return replies;
  }

  /** Handles a message of the request channel sent by another node. */
  onRequest(request: RequestMessage): void {
    const { registry, host } = this;
    switch (request.t) {
      case 'hello':
        registry.peers.add(request.f);
        return;
      case 'bye':
        registry.peers.delete(request.f);
        this.pending.nodeGone(request.f);
        return;
      case 'gone':
        for (const node of request.n) {
          if (node === host.nodeId)
            registry.invalidate(); // purged while paused: register again
          else if (registry.peers.delete(node)) this.pending.nodeGone(node);
        }
        return;
      case 'query': {
        registry.peers.add(request.f);
        const reply: ReplyMessage = { r: request.r, f: host.nodeId, v: this.answer(request.k, request.a) };
        this.driver
          .command(['PUBLISH', this.keys.replyChannel(request.f), JSON.stringify(reply)])
          .catch((error: unknown) => this.warn('reply', 'Redis PUBLISH of a reply failed', error));
      }
    }
  }

  private answer(kind: QueryKind, arg: string | undefined): unknown {
    const { host } = this;
    switch (kind) {
      case 'members':
        return host.localMembers(arg ?? '');
      case 'ids':
        return host.localIds(arg);
      case 'count':
        return host.localIds(arg).length;
      case 'locate':
        return host.localRoomsOf(arg ?? '') !== undefined;
    }
  }

  /** Tells the other nodes about this one (hello, bye, gone); best effort. */
  notice(message: RequestMessage): void {
    if (!this.driver.ready) return;
    this.driver
      .command(['PUBLISH', this.keys.requestChannel, JSON.stringify(message)])
      .catch((error: unknown) => this.warn('notice', 'Redis PUBLISH failed', error));
  }
}
