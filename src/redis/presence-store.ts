/**
 * @module redis/presence-store
 * Presence on Redis: entries in hashes every node reads (`list` is one HVALS), changes announced by the
 * same Lua call that made them on a pub/sub channel of their own, which every node (the writer too)
 * turns into its members' diffs. Entries of a node that stops heartbeating are removed by whichever
 * live node's sweep sees it first (each heartbeat period), so a purge's leaves are announced once,
 * by a survivor, even when the node that purged it died too.
 */
import { oldestFirst } from '../adapter/in-memory-presence';
import type {
  PresenceBackend,
  PresenceBackendOptions,
  PresenceChange,
  PresenceEntry,
  PresencePut,
  PutResult,
} from '../adapter/presence-backend';
import type { ClusterMember } from './cluster-member';
import {
  PRESENCE_PUT_SCRIPT,
  PRESENCE_REMOVE_CLIENT_SCRIPT,
  PRESENCE_REMOVE_NODES_SCRIPT,
  PRESENCE_REMOVE_SCRIPT,
} from './presence-scripts';
import { withTimeout } from './redis-driver';

/** Removals that failed (Redis away) are retried by the sweep; at most this many are remembered. */
const MAX_RETRIES = 10_000;
const PUT_RESULTS = new Set<string>(['ok', 'missing', 'room-full', 'client-rooms']);

/** One node's presence backend on Redis. */
export class RedisPresenceBackend implements PresenceBackend {
  private readonly prefix: string;
  private readonly channel: string;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Clients whose removal failed: tried again at every sweep. */
  private readonly retry = new Set<string>();

  constructor(
    private readonly member: ClusterMember,
    private readonly nodeId: string,
    private readonly options: PresenceBackendOptions,
  ) {
    this.prefix = `${member.keys.prefix}:presence`;
    this.channel = `${member.keys.prefix}#presence`;
  }

  /** Subscribes to the change channel and starts sweeping for dead nodes' entries. */
  async start(): Promise<void> {
    await this.member.driver.subscribe([this.channel], (message) => this.onMessage(message));
    this.timer = setInterval(() => void this.sweep(), this.member.options.heartbeatMs);
    this.timer.unref();
    void this.sweep();
  }

  async put(put: PresencePut): Promise<PutResult> {
    const reply = await this.run(PRESENCE_PUT_SCRIPT, [
      put.room,
      JSON.stringify(put.room),
      put.clientId,
      JSON.stringify(put.clientId),
      put.node,
      put.metaJson,
      String(Math.floor(put.since)),
      put.mode,
      bound(put.maxEntriesPerRoom),
      bound(put.maxRoomsPerClient),
    ]);
    const result = String(reply);
    if (!PUT_RESULTS.has(result)) throw new Error(`Redis presence: unexpected reply ${result}`);
    return result as PutResult;
  }

  async remove(room: string, clientId: string): Promise<boolean> {
    return (await this.run(PRESENCE_REMOVE_SCRIPT, [room, JSON.stringify(room), clientId])) === 1;
  }

  async removeClient(clientId: string): Promise<number> {
    try {
      const removed = Number(await this.run(PRESENCE_REMOVE_CLIENT_SCRIPT, [clientId]));
      this.retry.delete(clientId);
      return removed;
    } catch (error) {
      if (this.retry.size < MAX_RETRIES) this.retry.add(clientId);
      throw error;
    }
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const reply = await withTimeout(
      this.member.driver.command(['HVALS', `${this.prefix}:room:${room}`]),
      this.member.options.requestTimeoutMs,
      'presence list',
    );
    const entries: PresenceEntry[] = [];
    for (const text of Array.isArray(reply) ? reply : []) {
      const entry = parseEntry(String(text));
      if (entry !== undefined) entries.push(entry);
    }
    return entries.sort(oldestFirst);
  }

  /** Stops sweeping; unless entries outlive their node, removes what this node still owns. */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.options.keepOnNodeLoss || !this.member.driver.ready) return;
    try {
      await withTimeout(this.removeNodes('node', this.nodeId), timeoutMs, 'presence leave');
    } catch (error) {
      this.member.warn('presence', 'Redis presence: could not remove this node’s entries (the others will)', error);
    }
  }

  // Removes entries of dead nodes (unless entries outlive their node) and retries failed removals.
  private async sweep(): Promise<void> {
    if (this.closed || !this.member.driver.ready) return;
    try {
      for (const clientId of [...this.retry]) await this.removeClient(clientId);
      if (!this.options.keepOnNodeLoss) await this.removeNodes('dead');
    } catch (error) {
      this.member.warn('presence', 'Redis presence sweep failed', error);
    }
  }

  private removeNodes(mode: 'dead' | 'node', node?: string): Promise<unknown> {
    const args = [this.member.keys.nodes, mode];
    if (node !== undefined) args.push(node);
    return this.run(PRESENCE_REMOVE_NODES_SCRIPT, args);
  }

  private run(script: string, args: string[]): Promise<unknown> {
    return withTimeout(
      // Every presence key shares the prefix's slot on a cluster: routed by it.
      this.member.driver.command(['EVAL', script, '0', this.prefix, this.channel, ...args], this.member.keys.nodes),
      this.member.options.requestTimeoutMs,
      'presence',
    );
  }

  private onMessage(message: string): void {
    const change = parseChange(message);
    if (change === undefined) {
      this.member.warn('presence message', 'Redis presence: a malformed change was dropped');
      return;
    }
    this.options.onChange(change);
  }
}

// Lua compares with numbers: an unbounded limit goes as a very large one.
function bound(limit: number): string {
  return Number.isFinite(limit) ? String(limit) : String(Number.MAX_SAFE_INTEGER);
}

function parseEntry(text: string): PresenceEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<PresenceEntry>;
    if (typeof value.clientId !== 'string' || typeof value.since !== 'number') return undefined;
    return { clientId: value.clientId, meta: value.meta, since: value.since };
  } catch {
    return undefined;
  }
}

function parseChange(message: string): PresenceChange | undefined {
  try {
    const value = JSON.parse(message) as { room?: unknown; joins?: unknown; leaves?: unknown };
    if (typeof value.room !== 'string' || !Array.isArray(value.joins) || !Array.isArray(value.leaves)) return undefined;
    const entries = (list: unknown[]): PresenceEntry[] =>
      list.map((item) => item as PresenceEntry).filter((e) => typeof e?.clientId === 'string');
    return { room: value.room, joins: entries(value.joins), leaves: entries(value.leaves) };
  } catch {
    return undefined;
  }
}
