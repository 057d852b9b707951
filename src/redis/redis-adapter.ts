/**
 * @module redis/redis-adapter
 * `RedisAdapter`: many app processes behind a load balancer act as one server.
 *
 * What crosses Redis, and how:
 * - broadcasts (rooms, `client.broadcast`, `clients.broadcast`): one PUBLISH each, at most once;
 *   every node fans out to its own clients with one encoded frame. Dropped while Redis is away.
 * - commands to one client (send, disconnect, join, leave, roomsOf): appended to the owner node's
 *   inbox stream and acked through the sender's; retried across a short blip, run once.
 * - lookups (members, ids, count): asked of every live node over pub/sub; each answers from its
 *   own state; a node that does not answer in time is left out (the result is partial, never late).
 * - room requests (`rooms.to(...).request()`): one PUBLISH; every node asks its own members and
 *   sends their ids and answers back on pub/sub (room-asks.ts).
 * - liveness: a heartbeat per node; silent nodes are purged with their routing entries.
 * Local delivery never waits for any of it: the hub delivers locally before the adapter is called.
 */
import type { Adapter, AdapterHost, BroadcastPacket } from '../adapter/adapter';
import type { RecoveryCapable, RecoverySettings, RecoveryStore } from '../recovery/store';
import type { LocalMemberAsker, RemoteMemberAsker } from '../adapter/member-requests';
import { silentLogger } from '../app/logger';
import { ClusterMember } from './cluster-member';
import { ClusterUnavailableError, ProtocolVersionError } from './errors';
import type { CommandBody } from './inbox-commands';
import type { RedisAdapterOptions } from './options';
import { RedisRecoveryStore } from './recovery-store';
import { RedisPresenceBackend } from './presence-store';
import { RoomSubscriptions } from './room-subscriptions';
import { encodeBroadcast, type QueryKind } from './wire';
import type { PresenceBackend, PresenceBackendOptions } from '../adapter/presence-backend';

/** `close()` without a timeout (`app.close()` passes what is left of its own). */
const DEFAULT_CLOSE_MS = 2000;

/** The Redis scale-out adapter (`ws-controllers/redis`). */
export class RedisAdapter implements Adapter, RecoveryCapable {
  private readonly member: ClusterMember;
  private host!: AdapterHost;
  private recovery: RedisRecoveryStore | undefined;
  private presenceBackend: RedisPresenceBackend | undefined;
  /** A cluster's room channels this node listens to (set by `init` on a cluster). */
  private subscriptions: RoomSubscriptions | undefined;

  constructor(private readonly settings: RedisAdapterOptions = {}) {
    this.member = new ClusterMember(settings, 'RedisAdapter');
  }

  /** Requests waiting for other nodes (0 once traffic stops). */
  get pendingRequests(): number {
    return this.member.pending.size;
  }

  /** This node's id in the cluster (set by `init`). */
  get nodeId(): string {
    return this.host.nodeId;
  }

  /** Whether Redis is reachable now (for readiness probes). */
  isConnected(): boolean {
    return !this.member.closed && this.member.driver.ready;
  }

  async init(host: AdapterHost): Promise<void> {
    this.host = host;
    const logger =
      this.settings.logger === false ? silentLogger : (this.settings.logger ?? host.logger ?? silentLogger);
    await this.member.start({
      self: { id: host.nodeId, host },
      logger,
      onBroadcast: (packet, decoded) => {
        if (decoded.nodeId === host.nodeId && decoded.seq !== undefined)
          this.recovery?.ownBroadcast(decoded.seq, packet);
        else host.deliverLocal(packet);
      },
      // Purged while alive (a long pause): take back the sessions of the clients still here.
      onAnnounced: () => this.recovery?.rehold(),
      askMembers: this.localAsker,
    });
    if (this.member.driver.cluster === true) this.subscriptions = new RoomSubscriptions(this.member, host);
  }

  /** On a cluster, the number of room channels this node listens to (its rooms with local members). */
  get roomChannels(): number {
    return this.subscriptions?.size ?? 0;
  }

  /**
   * Session recovery on Redis (called once by the app, after `init`): logs and sessions live in
   * Redis, so a client of a node that died resumes on another one.
   */
  recoveryStore(host: AdapterHost, settings: RecoverySettings): RecoveryStore {
    if (this.recovery === undefined) {
      this.recovery = new RedisRecoveryStore(this.member, host, settings);
      const { subscriptions } = this;
      if (subscriptions !== undefined) this.recovery.hears = (room) => subscriptions.has(room);
    }
    return this.recovery;
  }

  // ---- room requests -------------------------------------------------------------------------

  private localAsker: LocalMemberAsker | undefined;

  // Every node asks its own members; their ids and answers come back on this node's reply channel.
  roomRequests(local: LocalMemberAsker): RemoteMemberAsker {
    this.localAsker = local;
    return async (request, sink) => {
      if (this.member.asks !== undefined && !this.member.closed) await this.member.asks.ask(request, sink);
    };
  }

  // ---- registry ------------------------------------------------------------------------------

  clientConnected(clientId: string): Promise<void> {
    return this.member.registry.add(clientId);
  }

  clientDisconnected(clientId: string): Promise<void> {
    this.subscriptions?.changed();
    return this.member.registry.remove(clientId);
  }

  // Memberships stay on the client's own node (lookups ask it). On a cluster a node listens to the
  // sharded channel of each room it has local members in: the first join subscribes (awaited, so a
  // broadcast sent once the join is done reaches the new member).
  async joined(_clientId?: string, room?: string): Promise<void> {
    if (room !== undefined) await this.subscriptions?.joined(room);
  }

  async left(): Promise<void> {
    this.subscriptions?.changed();
  }

  // ---- delivery ------------------------------------------------------------------------------

  // Fire and forget: the PUBLISH is issued now (so it stays ordered before any later command of
  // this node) but never awaited, so an emit never waits on Redis, even a frozen one.
  async publish(packet: BroadcastPacket): Promise<void> {
    const { member } = this;
    if (!member.driver.ready) {
      member.warn('publish', 'Redis is unreachable: a broadcast reached local clients only');
      return;
    }
    const message = encodeBroadcast(this.host.nodeId, packet);
    member
      .publishBroadcast(packet.rooms, message)
      .catch((error: unknown) =>
        member.warn('publish', 'Redis PUBLISH failed: a broadcast reached local clients only', error),
      );
  }

  // Three answers: delivered, not there (the hub may then log it for a detached session), or unknown
  // (no answer in time: its node may have delivered it, so no second copy is made).
  async sendRemote(clientId: string, data: string | Uint8Array): Promise<boolean | undefined> {
    const answer = await this.call({ t: 'send', c: clientId }, data);
    return answer === true ? true : answer === false ? false : undefined;
  }

  async disconnectRemote(clientId: string, code?: number, reason?: string): Promise<boolean> {
    return (await this.call({ t: 'disconnect', c: clientId, code, reason })) === true;
  }

  async joinRemote(clientId: string, room: string): Promise<boolean> {
    return (await this.call({ t: 'join', c: clientId, room })) === true;
  }

  async leaveRemote(clientId: string, room: string): Promise<boolean> {
    return (await this.call({ t: 'leave', c: clientId, room })) === true;
  }

  // A node answers "not delivered" (false) when Redis stays away or the client's node speaks another
  // protocol version; the latter is logged at error level, never passed over in silence.
  private async call(body: CommandBody, data?: string | Uint8Array): Promise<unknown> {
    try {
      return await this.member.commands.call(body, data);
    } catch (error) {
      if (error instanceof ProtocolVersionError) this.member.mismatch(error);
      else if (!(error instanceof ClusterUnavailableError)) throw error;
      return undefined;
    }
  }

  // ---- lookups -------------------------------------------------------------------------------

  async members(room: string): Promise<string[]> {
    return this.gatherLists('members', room, this.host.localMembers(room));
  }

  async roomsOf(clientId: string): Promise<string[]> {
    const local = this.host.localRoomsOf(clientId);
    if (local) return local;
    const rooms = await this.call({ t: 'rooms', c: clientId });
    return Array.isArray(rooms) ? (rooms as string[]) : [];
  }

  async ids(path?: string): Promise<string[]> {
    return this.gatherLists('ids', path, this.host.localIds(path));
  }

  async count(path?: string): Promise<number> {
    let total = this.host.localIds(path).length;
    for (const value of (await this.member.queries.query('count', path)).values())
      if (typeof value === 'number') total += value;
    return total;
  }

  private async gatherLists(kind: QueryKind, arg: string | undefined, local: string[]): Promise<string[]> {
    const all = [...local];
    for (const value of (await this.member.queries.query(kind, arg)).values())
      if (Array.isArray(value)) all.push(...(value as string[]));
    return all;
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /**
   * Leaves the cluster (removes this node's entries, tells the others) and closes the connections
   * the adapter opened, within `timeoutMs` (default 2 s). Always resolves: with Redis frozen, dead
   * or slow, the leave is given up (the others purge this node) and the connections are cut.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLOSE_MS;
    const started = Date.now();
    this.subscriptions?.close();
    await this.presenceBackend?.close(timeoutMs / 4);
    return this.member.close(Math.max(0, timeoutMs - (Date.now() - started)));
  }

  // ---- presence ------------------------------------------------------------------------------

  /** Presence entries in Redis, changes on their own pub/sub channel (see `presence-store.ts`). */
  async presence(options: PresenceBackendOptions): Promise<PresenceBackend> {
    if (this.presenceBackend === undefined) {
      this.presenceBackend = new RedisPresenceBackend(this.member, this.host.nodeId, options);
      await this.presenceBackend.start();
    }
    return this.presenceBackend;
  }
}
