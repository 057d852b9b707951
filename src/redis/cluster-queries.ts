/**
 * @module redis/cluster-queries
 * Lookups answered by every live node from its own state (members, ids, count, where a client is),
 * asked over pub/sub with replies on the asker's own channel, and the node notices (hello, bye,
 * gone) that keep each node's view of its live peers current between heartbeats. An emitter asks
 * (`locate`, marked as not coming from a node) and follows the notices, but answers nothing.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterHost } from '../adapter/adapter';
import { ClusterUnavailableError, ProtocolVersionError } from './errors';
import type { RedisKeys } from './keys';
import type { NodeRegistry, RegistrySelf } from './node-registry';
import type { ResolvedRedisOptions } from './options';
import type { PendingRequests } from './pending-requests';
import { withTimeout, type RedisDriver } from './redis-driver';
import {
  REDIS_PROTOCOL_VERSION,
  versionOf,
  type QueryKind,
  type ReplyMessage,
  type RequestMessage,
} from './wire';

/** Cluster-wide lookups and node notices of one node. */
export class ClusterQueries {
  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly self: RegistrySelf,
    private readonly options: ResolvedRedisOptions,
    private readonly pending: PendingRequests,
    private readonly registry: NodeRegistry,
    private readonly warn: (kind: string, message: string, error?: unknown) => void,
    /** A packet in another protocol version arrived (logged loudly by the owner). */
    private readonly mismatch: (error: ProtocolVersionError) => void,
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
    const request: RequestMessage = {
      t: 'query',
      k: kind,
      r: id,
      f: this.self.id,
      a: arg,
      w: REDIS_PROTOCOL_VERSION,
    };
    if (this.self.host === undefined) request.o = 1;
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

  /** Runs another node's room request here (set by the owner; nodes only). */
  onAsk: ((request: Extract<RequestMessage, { t: 'ask' }>) => void) | undefined;

  /** Handles a message of the request channel sent by another node (or an emitter). */
  onRequest(request: RequestMessage): void {
    const { registry, self } = this;
    const version = versionOf(request);
    if (version !== REDIS_PROTOCOL_VERSION) {
      this.mismatch(
        new ProtocolVersionError(
          REDIS_PROTOCOL_VERSION,
          version,
          String(request.f),
          `A ${String(request.t)} was ignored`,
        ),
      );
      // A query is answered with nothing (and this version), so its asker neither waits nor misreads.
      if ((request.t === 'query' || request.t === 'ask') && self.host !== undefined) this.reply(request, null);
      return;
    }
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
          if (node === self.id)
            registry.invalidate(); // purged while paused: register again
          else if (registry.peers.delete(node)) this.pending.nodeGone(node);
        }
        return;
      case 'query':
        if (request.o !== 1) registry.peers.add(request.f);
        if (self.host !== undefined) this.reply(request, this.answer(self.host, request.k, request.a));
        return;
      case 'ask':
        registry.peers.add(request.f);
        this.onAsk?.(request);
    }
  }

  private reply(request: { r: string; f: string }, value: unknown): void {
    const reply: ReplyMessage = { r: request.r, f: this.self.id, v: value, w: REDIS_PROTOCOL_VERSION };
    this.driver
      .command(['PUBLISH', this.keys.replyChannel(request.f), JSON.stringify(reply)])
      .catch((error: unknown) => this.warn('reply', 'Redis PUBLISH of a reply failed', error));
  }

  /** Handles a reply on this node's reply channel. */
  onReply(reply: ReplyMessage): void {
    const version = versionOf(reply);
    if (version !== REDIS_PROTOCOL_VERSION) {
      this.mismatch(
        new ProtocolVersionError(REDIS_PROTOCOL_VERSION, version, String(reply.f), 'A reply was ignored'),
      );
      this.pending.reply(reply.r, reply.f, undefined); // nothing more will come from it
      return;
    }
    this.pending.reply(reply.r, reply.f, reply.v);
  }

  private answer(host: AdapterHost, kind: QueryKind, arg: string | undefined): unknown {
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
      .command([
        'PUBLISH',
        this.keys.requestChannel,
        JSON.stringify({ ...message, w: REDIS_PROTOCOL_VERSION }),
      ])
      .catch((error: unknown) => this.warn('notice', 'Redis PUBLISH failed', error));
  }
}
