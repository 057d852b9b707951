/**
 * @module redis/recovery-store
 * `RecoveryStore` on Redis: room logs and the app-wide broadcast log are streams, each session a
 * hash with a direct-push stream, detached sessions a sorted set by end of window, and each node a
 * set of the sessions it holds (its purge detaches them). So a client whose node dies resumes on
 * another node with its id, rooms, data and every push it missed.
 *
 * A push is one script call (one round trip, whatever the number of rooms): appended to each room's
 * log, then published with its ids; every node, this one included, delivers it from the pub/sub
 * message, so every node delivers one log's pushes in log order. A resume is one pipeline: one
 * bounded XRANGE per log of the session, after the client's offset (cost follows what it missed).
 * While Redis is away every call rejects within `requestTimeoutMs`, except a push (delivered to local
 * clients only, unlogged, as without recovery) and a written-behind direct push (dropped, logged).
 */
import type { AdapterHost, BroadcastPacket } from '../adapter/adapter';
import type {
  Claimed,
  LoggedPush,
  ReadFrom,
  RecoverySettings,
  RecoveryStore,
  ResumeRead,
  SessionRecord,
} from '../recovery/store';
import type { ClusterMember } from './cluster-member';
import { ClusterUnavailableError } from './errors';
import type { RedisReply } from './redis-driver';
import { withTimeout } from './redis-driver';
import { isStreamId, rangeAfter, toLogRead, toPushes, toRecord, type LogKind } from './recovery-entries';
import { RecoveryKeys } from './recovery-keys';
import { LuaScript } from './recovery-lua';
import {
  APPEND_DIRECT_SCRIPT,
  CLAIM_SCRIPT,
  CREATE_SCRIPT,
  DETACH_SCRIPT,
  END_SCRIPT,
  JOINED_SCRIPT,
  PUBLISH_SCRIPT,
  REHOLD_SCRIPT,
  SEND_DETACHED_SCRIPT,
  SHARD_PUBLISH_SCRIPT,
  TAKE_EXPIRED_SCRIPT,
} from './recovery-scripts';
import { keySlot } from './key-slot';
import { broadcastHeader } from './wire';

const PUBLISH = new LuaScript(PUBLISH_SCRIPT);
const SHARD_PUBLISH = new LuaScript(SHARD_PUBLISH_SCRIPT);
const APPEND_DIRECT = new LuaScript(APPEND_DIRECT_SCRIPT);
const SEND_DETACHED = new LuaScript(SEND_DETACHED_SCRIPT);
const CREATE = new LuaScript(CREATE_SCRIPT);
const CLAIM = new LuaScript(CLAIM_SCRIPT);
const DETACH = new LuaScript(DETACH_SCRIPT);
const END = new LuaScript(END_SCRIPT);
const TAKE_EXPIRED = new LuaScript(TAKE_EXPIRED_SCRIPT);
const JOINED = new LuaScript(JOINED_SCRIPT);
const REHOLD = new LuaScript(REHOLD_SCRIPT);
/** Client ids per rehold script call. */
const REHOLD_CHUNK = 500;

/** Own pushes given up on (their copy from Redis, if it still comes, is not delivered again). */
const ABANDONED_LIMIT = 10_000;

/** A publish of this node waiting for its own copy from Redis. */
interface Waiting {
  delivered: boolean;
  wake?: (() => void) | undefined;
}

/** One node's recovery store on Redis (made by `RedisAdapter.recoveryStore`). */
export class RedisRecoveryStore implements RecoveryStore {
  readonly keys: RecoveryKeys;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  private readonly abandoned = new Set<number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly member: ClusterMember,
    private readonly host: AdapterHost,
    private readonly settings: RecoverySettings,
  ) {
    this.keys = new RecoveryKeys(member.keys.prefix, member.keys.base);
    this.cluster = member.driver.cluster === true;
  }

  private readonly cluster: boolean;
  /** The highest id this node gave a push (a cluster has no one clock: ids stay above it). */
  private lastIssued = '0-0';
  /**
   * On a cluster: whether this node receives a room's channel (set by the adapter), so a push to a
   * room without local members does not wait for an own copy that never comes.
   */
  hears: (room: string) => boolean = () => true;

  /** How long a detached record outlives its window when no node takes its expiry (nodes all down). */
  private get graceMs(): number {
    return Math.max(this.settings.historyTtlMs, this.settings.windowMs);
  }

  // ---- logs ----------------------------------------------------------------------------------

  async publish(packet: BroadcastPacket): Promise<void> {
    const { rooms } = packet;
    if (rooms !== undefined && rooms.length === 0) return; // addressed to nobody
    const seq = ++this.seq;
    const head = broadcastHeader(this.host.nodeId, packet, seq);
    const extra: string[] = [];
    if (rooms !== undefined && rooms.length > 1) extra.push('r', JSON.stringify(rooms));
    if (packet.except !== undefined && packet.except.length > 0)
      extra.push('e', JSON.stringify(packet.except));
    if (packet.path !== undefined) extra.push('h', packet.path);
    const logs = [this.keys.clock];
    if (rooms === undefined) logs.push(this.keys.broadcastLog);
    else for (const room of rooms) logs.push(this.keys.roomLog(room));
    const args = [
      String(this.settings.maxPerRoom),
      String(this.settings.historyTtlMs),
      this.member.keys.broadcastChannel,
      head.slice(0, -1),
      packet.data,
      rooms === undefined ? 'b' : 'r',
      ...extra,
    ];
    const waiting: Waiting = { delivered: false };
    this.waiting.set(seq, waiting);
    let ids: string[];
    try {
      if (this.cluster) ids = await this.publishSharded(packet, head.slice(0, -1), extra, waiting);
      else ids = ((await this.run(PUBLISH, logs, args, 'publish')) as unknown[]).map(String);
    } catch (error) {
      this.waiting.delete(seq);
      if (waiting.delivered) return; // logged and delivered: only its reply was lost
      // Redis is away: like a broadcast without recovery, it reaches this node's clients only (without
      // an offset: not logged, so not replayed); a copy that still comes from Redis is skipped.
      this.abandon(seq);
      this.member.warn(
        'recovery publish',
        'Redis is unreachable: a push was not logged and reached local clients only',
        error,
      );
      this.host.deliverLocal(packet);
      return;
    }
    if (rooms === undefined) packet.offset = `b${ids[0]}`;
    else packet.offsets = Object.fromEntries(rooms.map((room, i) => [room, ids[i] ?? '']));
    if (!waiting.delivered) await this.ownCopy(seq, waiting, packet);
    this.waiting.delete(seq);
  }

  // A cluster's push: one script call per slot of its logs, in turn (the first one's id is reused by
  // the next when their logs allow). A push to one room is published by its script on the room's
  // sharded channel; to several slots, by this node once all have logged it, on the app-wide channel
  // (so a client in two of the rooms gets one copy); between two such pushes to the same rooms from
  // different nodes, delivery order may then differ from log order.
  private async publishSharded(
    packet: BroadcastPacket,
    head: string,
    extra: string[],
    waiting: Waiting,
  ): Promise<string[]> {
    const { rooms } = packet;
    const common = [String(this.settings.maxPerRoom), String(this.settings.historyTtlMs)];
    const bySlot = new Map<number, string[]>();
    if (rooms === undefined) bySlot.set(-1, [this.keys.broadcastLog]);
    else
      for (const room of rooms) {
        const key = this.keys.roomLog(room);
        const slot = keySlot(key);
        const list = bySlot.get(slot);
        if (list === undefined) bySlot.set(slot, [key]);
        else list.push(key);
      }
    const single = bySlot.size === 1;
    const channel =
      !single ? '' : rooms === undefined ? this.member.keys.broadcastChannel : rooms.length === 1 ? this.member.keys.roomChannel(rooms[0]!) : '';
    const kind = rooms === undefined ? 'b' : 'r';
    const idOf = new Map<string, string>();
    let floor = nextOf(this.lastIssued);
    let first = true;
    for (const keys of bySlot.values()) {
      const id = String(
        await this.run(SHARD_PUBLISH, keys, [...common, channel, head, packet.data, kind, floor, first ? '1' : '0', ...extra], 'publish'),
      );
      for (const key of keys) idOf.set(key, id);
      if (laterThan(id, this.lastIssued)) this.lastIssued = id;
      floor = id;
      first = false;
    }
    const ids =
      rooms === undefined ? [idOf.get(this.keys.broadcastLog)!] : rooms.map((room) => idOf.get(this.keys.roomLog(room))!);
    if (channel === '') {
      // Logged everywhere: published once, with every room's id.
      const message = `${head},"o":${JSON.stringify(ids)}}\n${packet.data}`;
      await this.timed(this.member.publishBroadcast(undefined, message) as Promise<unknown>, 'publish');
    } else if (rooms !== undefined && !this.hears(rooms[0]!)) {
      // No local member: no copy comes back here, and none is needed.
      waiting.delivered = true;
    }
    return ids;
  }

  // Waits for this node's copy from pub/sub; past the timeout delivers the packet itself (its copy,
  // if it still comes, is then skipped), so a stalled subscription never holds a push back for long.
  private ownCopy(seq: number, waiting: Waiting, packet: BroadcastPacket): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!waiting.delivered) {
          waiting.delivered = true;
          this.abandon(seq);
          this.member.warn(
            'recovery publish',
            'A logged push did not come back from Redis in time: delivered here directly',
          );
          this.host.deliverLocal(packet);
        }
        resolve();
      }, this.member.options.requestTimeoutMs);
      timer.unref();
      this.timers.add(timer);
      waiting.wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve();
      };
    });
  }

  /** This node's own logged push came back from Redis: delivered here now (once). */
  ownBroadcast(seq: number, packet: BroadcastPacket): void {
    const waiting = this.waiting.get(seq);
    if (waiting !== undefined) {
      if (waiting.delivered) return;
      waiting.delivered = true;
      this.host.deliverLocal(packet);
      waiting.wake?.();
      return;
    }
    if (this.abandoned.delete(seq)) return;
    this.host.deliverLocal(packet);
  }

  private abandon(seq: number): void {
    this.abandoned.add(seq);
    if (this.abandoned.size > ABANDONED_LIMIT)
      this.abandoned.delete(this.abandoned.values().next().value as number);
  }

  appendDirect(clientId: string, id: string, data: string): Promise<boolean> {
    const { keys } = this;
    return this.run(
      APPEND_DIRECT,
      [keys.session(clientId), keys.direct(clientId)],
      [id, data, String(this.settings.maxPerRoom), this.host.nodeId],
      'appendDirect',
    ).then(
      // 0: not logged (the session was resumed elsewhere, detached or ended, or the id was not the newest).
      (reply) => Number(reply) === 1,
      (error: unknown) => {
        this.member.warn('recovery append', 'A direct push could not be logged', error);
        return false;
      },
    );
  }

  async sendDetached(clientId: string, data: string): Promise<boolean> {
    const { keys } = this;
    const id = await this.run(
      SEND_DETACHED,
      [keys.session(clientId), keys.direct(clientId), keys.clock],
      [String(Date.now()), data, String(this.settings.maxPerRoom)],
      'sendDetached',
    );
    return typeof id === 'string';
  }

  async read(clientId: string, from: ReadFrom, max: number): Promise<ResumeRead> {
    const { keys } = this;
    const logs: Array<{ key: string; from: string; kind: LogKind }> = [
      ...Object.entries(from.rooms).map(([room, id]) => ({
        key: keys.roomLog(room),
        from: id,
        kind: { room },
      })),
      { key: keys.direct(clientId), from: from.direct, kind: 'direct' },
      { key: keys.broadcastLog, from: from.broadcast, kind: 'broadcast' },
    ];
    if (!this.reachable()) throw new ClusterUnavailableError('recovery read');
    // Issued back to back: one pipeline, one round trip. An offset that is no stream id is a gap.
    const valid = (id: string): boolean => id === '' || isStreamId(id);
    const replies = await this.timed(
      Promise.all(
        logs.map((log) =>
          valid(log.from) ? this.member.driver.command(rangeAfter(log.key, log.from, max)) : undefined,
        ),
      ),
      'read',
    );
    const reads = logs.map((log, i) =>
      valid(log.from) ? toLogRead(replies[i], log.from, max, log.kind) : 'gap',
    );
    const rooms = Object.fromEntries(Object.keys(from.rooms).map((room, i) => [room, reads[i]!]));
    const count = logs.length;
    return { rooms, direct: reads[count - 2]!, broadcast: reads[count - 1]! };
  }

  async history(room: string, limit: number): Promise<LoggedPush[]> {
    if (!(limit > 0)) return [];
    const reply = await this.command(
      ['XREVRANGE', this.keys.roomLog(room), '+', '-', 'COUNT', String(Math.floor(limit))],
      'history',
    );
    return toPushes(reply, { room }).reverse();
  }

  // ---- sessions ------------------------------------------------------------------------------

  async create(record: SessionRecord): Promise<void> {
    const { keys } = this;
    const { id } = record;
    const self = this.host.nodeId;
    const rooms = Object.entries(record.rooms);
    const args = [
      id,
      record.path,
      record.secret,
      record.broadcastFrom,
      record.directFrom,
      record.data,
      self,
      String(this.settings.windowMs),
      String(this.graceMs),
      ...rooms.flat(),
    ];
    const logs = [keys.session(id), keys.direct(id), keys.held(self), keys.broadcastLog];
    if (this.cluster) {
      // Room logs live in other slots: their last ids are read first (one pipeline) and passed in.
      const open = rooms.filter(([, from]) => from === '');
      const lasts = await this.timed(
        Promise.all(open.map(([room]) => this.member.driver.command(['XREVRANGE', keys.roomLog(room), '+', '-', 'COUNT', '1']))),
        'create',
      );
      const resolved = { ...record.rooms };
      open.forEach(([room], i) => (resolved[room] = firstId(lasts[i])));
      args.splice(9, args.length - 9, ...Object.entries(resolved).flat());
    } else for (const [room] of rooms) logs.push(keys.roomLog(room));
    await this.run(CREATE, logs, args, 'create');
  }

  async get(clientId: string): Promise<SessionRecord | undefined> {
    return toRecord(clientId, await this.command(['HGETALL', this.keys.session(clientId)], 'get'));
  }

  async claim(clientId: string, secret: string): Promise<Claimed | undefined> {
    const { keys } = this;
    const self = this.host.nodeId;
    const reply = (await this.run(
      CLAIM,
      [keys.session(clientId), keys.direct(clientId), keys.detached],
      [keys.prefix, clientId, secret, self, String(Date.now())],
      'claim',
    )) as [RedisReply, string, string] | null;
    if (!Array.isArray(reply)) return undefined;
    const record = toRecord(clientId, reply[0]);
    if (record === undefined) return undefined;
    record.node = self;
    delete record.expiresAt;
    const previousNode = reply[1] === '' ? undefined : String(reply[1]);
    if (previousNode === self) this.host.takeOverLocal?.(clientId);
    else if (previousNode !== undefined) this.takeOver(previousNode, clientId);
    return { record, previousNode, directLast: String(reply[2]) };
  }

  // Tells the node that still held the session to close its (half-open) connection without ending
  // the session. Not awaited: a dead node never answers, and the session is already this node's.
  private takeOver(node: string, clientId: string): void {
    this.member.commands
      .call({ t: 'takeover', c: clientId }, undefined, this.member.options.requestTimeoutMs, node)
      .catch((error: unknown) => this.member.warn('recovery takeover', 'A takeover command failed', error));
  }

  async joined(clientId: string, room: string): Promise<void> {
    if (this.cluster) {
      const last = await this.command(['XREVRANGE', this.keys.roomLog(room), '+', '-', 'COUNT', '1'], 'joined');
      await this.run(JOINED, [this.keys.session(clientId)], [room, firstId(last)], 'joined');
      return;
    }
    await this.run(JOINED, [this.keys.session(clientId), this.keys.roomLog(room)], [room], 'joined');
  }

  async left(clientId: string, room: string): Promise<void> {
    await this.command(['HDEL', this.keys.session(clientId), `r:${room}`], 'left');
  }

  async detach(clientId: string, data: string, expiresAt: number): Promise<boolean> {
    const { keys } = this;
    const self = this.host.nodeId;
    const reply = await this.run(
      DETACH,
      [keys.session(clientId), keys.direct(clientId), keys.detached, keys.held(self)],
      [clientId, self, data, String(Math.floor(expiresAt)), String(this.graceMs)],
      'detach',
    );
    return Number(reply) === 1;
  }

  async end(clientId: string): Promise<void> {
    const { keys } = this;
    await this.run(
      END,
      [keys.session(clientId), keys.direct(clientId), keys.detached],
      [keys.prefix, clientId],
      'end',
    );
  }

  async takeExpired(now: number, limit: number): Promise<SessionRecord[]> {
    if (!(limit > 0)) return [];
    const reply = (await this.run(
      TAKE_EXPIRED,
      [this.keys.detached],
      [this.keys.prefix, String(Math.floor(now)), String(Math.floor(limit))],
      'takeExpired',
    )) as unknown[];
    const records: SessionRecord[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const record = toRecord(String(reply[i]), reply[i + 1]);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  /**
   * This node was registered again after a purge (it was paused, not dead): the purge detached the
   * sessions of its clients that are still connected here; they become this node's again (unless they
   * were resumed elsewhere or expired meanwhile), so no window ends under a live connection.
   */
  async rehold(): Promise<void> {
    const { keys } = this;
    const self = this.host.nodeId;
    const ids = this.host.localIds();
    try {
      for (let i = 0; i < ids.length; i += REHOLD_CHUNK)
        await this.run(
          REHOLD,
          [keys.detached, keys.held(self)],
          [keys.prefix, self, ...ids.slice(i, i + REHOLD_CHUNK)],
          'rehold',
        );
    } catch (error) {
      this.member.warn(
        'recovery rehold',
        'Sessions detached by a purge of this node could not be taken back',
        error,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiting of this.waiting.values()) waiting.wake?.();
    this.waiting.clear();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private run(
    script: LuaScript,
    keys: readonly string[],
    args: readonly string[],
    what: string,
  ): Promise<RedisReply> {
    if (!this.reachable()) return Promise.reject(new ClusterUnavailableError(`recovery ${what}`));
    return this.timed(script.run(this.member.driver, keys, args), what);
  }

  private command(args: readonly string[], what: string): Promise<RedisReply> {
    if (!this.reachable()) return Promise.reject(new ClusterUnavailableError(`recovery ${what}`));
    return this.timed(this.member.driver.command(args), what);
  }

  private reachable(): boolean {
    return !this.closed && !this.member.closed && this.member.driver.ready;
  }

  private timed<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.member.options.requestTimeoutMs, `recovery ${what}`);
  }
}

// The id of an XREVRANGE ... COUNT 1 reply ('' for an empty or missing log).
function firstId(reply: RedisReply): string {
  const entry = Array.isArray(reply) ? (reply[0] as unknown) : undefined;
  return Array.isArray(entry) ? String(entry[0]) : '';
}

function parseStreamId(id: string): [number, number] {
  const [ms, seq] = id.split('-');
  return [Number(ms), Number(seq)];
}

// Whether stream id a sorts after b.
function laterThan(a: string, b: string): boolean {
  const [ams, aseq] = parseStreamId(a);
  const [bms, bseq] = parseStreamId(b);
  return ams > bms || (ams === bms && aseq > bseq);
}

// The smallest stream id after `id`.
function nextOf(id: string): string {
  const [ms, seq] = parseStreamId(id);
  return `${ms}-${seq + 1}`;
}
