/**
 * @module redis/node-registry
 * This node's place in the cluster: the heartbeat (which also purges dead nodes), the set of live
 * peers that cluster requests expect replies from, and the client-id -> node routing entries.
 * Registry writes never wait for Redis: while it is away they are skipped and the node's whole
 * registry is rewritten from local state once it is back (a "rebuild").
 * An emitter (no host, no clients) uses the same registry for the live peers alone: its heartbeat
 * keeps its inbox alive and lists the nodes, without ever registering it as one.
 */
import type { AdapterHost } from '../adapter/adapter';
import type { RedisKeys } from './keys';
import type { ResolvedRedisOptions } from './options';
import { withTimeout, type RedisDriver } from './redis-driver';
import {
  EMITTER_HEARTBEAT_SCRIPT,
  HEARTBEAT_SCRIPT,
  REMOVE_CLIENT_SCRIPT,
  REMOVE_NODE_SCRIPT,
} from './scripts';

const REBUILD_CHUNK = 500;

/** Callbacks the registry reports cluster changes through. */
export interface RegistryEvents {
  /** A peer left, was purged, or stopped being listed: stop waiting for it. */
  peerGone(nodeId: string): void;
  /** This node was (re)registered: tell the others. */
  announced(): void;
  /** Nodes purged by this node's heartbeat. */
  purged(nodeIds: string[]): void;
  /** A Redis operation failed (logged by the adapter). */
  failed(what: string, error: unknown): void;
}

/** Who heartbeats: a node (with its local clients) or an emitter (no host: it is never a peer). */
export interface RegistrySelf {
  readonly id: string;
  readonly host?: AdapterHost | undefined;
}

/** Heartbeat, live peers and client routing entries of one node (or the live peers of an emitter). */
export class NodeRegistry {
  /** Live nodes other than this one. */
  peers = new Set<string>();
  /** Until then the cluster may be re-registering after a Redis restart (an unknown id may reappear). */
  settlingUntil = 0;
  private dirty = true;
  private ticking = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** Clients added since the last flush, written together (see `add`). */
  private adds: { ids: string[]; written: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly self: RegistrySelf,
    private readonly options: ResolvedRedisOptions,
    private readonly events: RegistryEvents,
  ) {}

  /** Registers this node now and heartbeats from then on; throws when the first heartbeat fails. */
  async start(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  /** Heartbeats from now on (without a first beat now). */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Stops heartbeating. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Removes this node and its entries (an emitter: its inbox) from Redis (a graceful leave, after `stop`). */
  leave(): Promise<unknown> {
    const { keys, self } = this;
    // Adds not yet written are dropped, not written after the leave (they would outlive the node).
    this.adds?.resolve();
    this.adds = undefined;
    if (self.host === undefined) return this.driver.command(['DEL', keys.inbox(self.id)]);
    return this.driver.command(['EVAL', REMOVE_NODE_SCRIPT, '0', keys.prefix, self.id, '0'], keys.nodes);
  }

  /** Redis came back, or this node learnt it was purged: rewrite its registry at the next beat. */
  invalidate(): void {
    this.dirty = true;
    this.settlingUntil = Date.now() + this.options.requestTimeoutMs;
    void this.tick();
  }

  /**
   * Records a local client (skipped while Redis is away; the rebuild restores it). The clients added
   * during one turn of the event loop are written together, one HSET and one SADD per 500, after its
   * I/O (setImmediate): a reconnect storm registers thousands a second, and two commands and a timer
   * each were most of what the adapter added to a handshake.
   */
  add(clientId: string): Promise<void> {
    let batch = this.adds;
    if (batch === undefined) {
      let resolve!: () => void;
      const written = new Promise<void>((r) => (resolve = r));
      batch = this.adds = { ids: [], written, resolve };
      setImmediate(() => this.flushAdds());
    }
    batch.ids.push(clientId);
    return batch.written;
  }

  // Issues the pending adds now (commands go out in call order on one connection).
  private flushAdds(): void {
    const batch = this.adds;
    if (batch === undefined) return;
    this.adds = undefined;
    const { keys, self } = this;
    const commands: string[][] = [];
    for (let i = 0; i < batch.ids.length; i += REBUILD_CHUNK) {
      const chunk = batch.ids.slice(i, i + REBUILD_CHUNK);
      commands.push(['HSET', keys.clients, ...chunk.flatMap((id) => [id, self.id])]);
      commands.push(['SADD', keys.nodeClients(self.id), ...chunk]);
    }
    void this.write(commands).then(batch.resolve);
  }

  /**
   * Removes a local client's entries (its routing entry only while it still names this node: a
   * session resumed elsewhere has already moved it). Pending adds are issued first, so a remove never
   * overtakes the add of the same client.
   */
  async remove(clientId: string): Promise<void> {
    this.flushAdds();
    await this.write([['EVAL', REMOVE_CLIENT_SCRIPT, '0', this.keys.prefix, clientId, this.self.id]]);
  }

  /** Runs a heartbeat unless one is running (then runs one more right after it). */
  async tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.again = false;
        if (this.timer !== undefined && this.driver.ready)
          await this.beat().catch((error: unknown) => this.events.failed('heartbeat', error));
      } while (this.again);
    } finally {
      this.ticking = false;
    }
  }

  private async beat(): Promise<void> {
    const { keys, self, options } = this;
    if (self.host === undefined) {
      const args = [keys.prefix, self.id, String(options.staleAfterMs), String(options.nodeTimeoutMs)];
      const reply = (await withTimeout(
        this.driver.command(['EVAL', EMITTER_HEARTBEAT_SCRIPT, '0', ...args], keys.nodes),
        options.requestTimeoutMs,
        'heartbeat',
      )) as [number, string[]];
      this.setPeers(reply[1]);
      return;
    }
    const reply = (await withTimeout(
      this.driver.command([
        'EVAL',
        HEARTBEAT_SCRIPT,
        '0',
        keys.prefix,
        self.id,
        String(options.staleAfterMs),
      ], keys.nodes),
      options.requestTimeoutMs,
      'heartbeat',
    )) as [number, string[], string[]];
    const [fresh, dead, live] = reply;
    this.setPeers(live);
    if (dead.length > 0) this.events.purged(dead);
    if (fresh === 1 || this.dirty) {
      this.dirty = true; // stays set until the rebuild succeeded
      await this.rebuild(self.host);
      this.dirty = false;
      if (fresh === 1) this.events.announced();
    }
  }

  private setPeers(live: string[]): void {
    const next = new Set(live.filter((id) => id !== this.self.id));
    for (const old of this.peers) if (!next.has(old)) this.events.peerGone(old);
    this.peers = next;
  }

  // Replaces this node's entries with its local clients. Every command is issued before any reply
  // is awaited, so registrations made meanwhile queue after them on the same connection.
  private async rebuild(host: AdapterHost): Promise<void> {
    const { keys, self } = this;
    const ids = host.localIds();
    const commands: string[][] = [['EVAL', REMOVE_NODE_SCRIPT, '0', keys.prefix, self.id, '1']];
    for (let i = 0; i < ids.length; i += REBUILD_CHUNK) {
      const chunk = ids.slice(i, i + REBUILD_CHUNK);
      commands.push(['HSET', keys.clients, ...chunk.flatMap((id) => [id, self.id])]);
      commands.push(['SADD', keys.nodeClients(self.id), ...chunk]);
    }
    await withTimeout(
      Promise.all(commands.map((args) => this.driver.command(args, keys.nodes))),
      this.options.requestTimeoutMs,
      'rebuild',
    );
  }

  private async write(commands: string[][]): Promise<void> {
    if (!this.driver.ready) {
      this.dirty = true; // the rebuild once Redis is back includes this change
      return;
    }
    try {
      await withTimeout(
        Promise.all(commands.map((args) => this.driver.command(args, this.keys.nodes))),
        this.options.requestTimeoutMs,
        'registry write',
      );
    } catch (error) {
      this.dirty = true;
      this.events.failed('registry write', error);
    }
  }
}
