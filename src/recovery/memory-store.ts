/**
 * @module recovery/memory-store
 * The single-process recovery store: logs and sessions in memory, shared by the apps of one
 * InMemoryBus. It survives network drops, not a restart of the process.
 */
import type { AdapterHost, BroadcastPacket } from '../adapter/adapter';
import { PushLog } from './log';
import { sameSecret } from './secret';
import type { Claimed, LoggedPush, ReadFrom, RecoverySettings, RecoveryStore, ResumeRead, SessionRecord } from './store';

/** How often idle room logs are looked for (they go after `historyTtlMs` without a push). */
const SWEEP_EVERY_MS = 60_000;

/** What the stores of one process (or one InMemoryBus) share. */
export class MemoryRecoveryLogs {
  readonly hosts = new Set<AdapterHost>();
  readonly rooms = new Map<string, PushLog>();
  readonly broadcast: PushLog;
  readonly direct = new Map<string, PushLog>();
  readonly sessions = new Map<string, SessionRecord>();
  /** Ids of detached sessions (the ones that can expire). */
  readonly detached = new Set<string>();
  private swept = Date.now();
  /** The newest id given in any log: ids increase across all logs, so a replay of several is in send order. */
  last = '';

  constructor(readonly settings: RecoverySettings) {
    this.broadcast = new PushLog(settings.maxPerRoom);
  }

  roomLog(room: string): PushLog {
    let log = this.rooms.get(room);
    if (log === undefined) {
      log = new PushLog(this.settings.maxPerRoom);
      this.rooms.set(room, log);
    }
    return log;
  }

  directLog(clientId: string): PushLog {
    let log = this.direct.get(clientId);
    if (log === undefined) {
      log = new PushLog(this.settings.maxPerRoom);
      this.direct.set(clientId, log);
    }
    return log;
  }

  /** Appends to a log under an id newer than every other log's. */
  append(log: PushLog, push: Omit<LoggedPush, 'id'>): string {
    return (this.last = log.append(push, this.last));
  }

  /** Drops room logs that saw no push for `historyTtlMs` (checked at most once a minute). */
  sweep(now: number): void {
    if (now - this.swept < SWEEP_EVERY_MS) return;
    this.swept = now;
    const oldest = now - this.settings.historyTtlMs;
    for (const [room, log] of this.rooms) if (log.touched < oldest) this.rooms.delete(room);
  }
}

/** One app's view of the in-memory logs. */
export class MemoryRecoveryStore implements RecoveryStore {
  constructor(
    private readonly shared: MemoryRecoveryLogs,
    private readonly host: AdapterHost,
  ) {
    shared.hosts.add(host);
  }

  /** Whether other apps share these logs (so a session can outlive this app). */
  hasPeers(): boolean {
    return this.shared.hosts.size > 1;
  }

  async publish(packet: BroadcastPacket): Promise<void> {
    const { shared } = this;
    const at = Date.now();
    shared.sweep(at);
    const except = packet.except && packet.except.length > 0 ? packet.except : undefined;
    if (packet.rooms === undefined) {
      packet.offset = 'b' + shared.append(shared.broadcast, { data: packet.data, at, except, path: packet.path });
    } else {
      const offsets: Record<string, string> = {};
      const rooms = packet.rooms.length > 1 ? packet.rooms : undefined;
      for (const room of packet.rooms) offsets[room] = shared.append(shared.roomLog(room), { data: packet.data, at, rooms, except });
      packet.offsets = offsets;
    }
    for (const host of shared.hosts) host.deliverLocal(packet);
  }

  appendDirect(clientId: string, id: string, data: string): boolean {
    return this.shared.directLog(clientId).appendAt({ id, data, at: Date.now() });
  }

  async sendDetached(clientId: string, data: string): Promise<boolean> {
    const record = this.shared.sessions.get(clientId);
    if (record === undefined || record.node !== undefined || (record.expiresAt ?? 0) <= Date.now()) return false;
    this.shared.append(this.shared.directLog(clientId), { data, at: Date.now() });
    return true;
  }

  async create(record: SessionRecord): Promise<void> {
    const { shared } = this;
    const rooms: Record<string, string> = {};
    for (const [room, from] of Object.entries(record.rooms)) rooms[room] = from === '' ? (shared.rooms.get(room)?.last ?? '') : from;
    shared.sessions.set(record.id, {
      ...record,
      rooms,
      broadcastFrom: record.broadcastFrom === '' ? shared.broadcast.last : record.broadcastFrom,
      directFrom: record.directFrom === '' ? (shared.direct.get(record.id)?.last ?? '') : record.directFrom,
      node: this.host.nodeId,
      expiresAt: undefined,
    });
    shared.detached.delete(record.id);
  }

  async get(clientId: string): Promise<SessionRecord | undefined> {
    const record = this.shared.sessions.get(clientId);
    return record === undefined ? undefined : { ...record, rooms: { ...record.rooms } };
  }

  async claim(clientId: string, secret: string): Promise<Claimed | undefined> {
    const { shared } = this;
    const record = shared.sessions.get(clientId);
    if (record === undefined || !sameSecret(record.secret, secret)) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) return undefined;
    const previousNode = record.node;
    record.node = this.host.nodeId;
    record.expiresAt = undefined;
    shared.detached.delete(clientId);
    if (previousNode !== undefined) for (const host of shared.hosts) if (host.nodeId === previousNode) host.takeOverLocal?.(clientId);
    return { record: { ...record, rooms: { ...record.rooms } }, previousNode, directLast: shared.direct.get(clientId)?.last ?? '' };
  }

  async read(clientId: string, from: ReadFrom, max: number): Promise<ResumeRead> {
    const { shared } = this;
    const rooms: ResumeRead['rooms'] = {};
    for (const [room, id] of Object.entries(from.rooms)) rooms[room] = shared.rooms.get(room)?.after(id, max) ?? [];
    return {
      rooms,
      direct: shared.direct.get(clientId)?.after(from.direct, max) ?? [],
      broadcast: shared.broadcast.after(from.broadcast, max),
    };
  }

  async joined(clientId: string, room: string): Promise<void> {
    const record = this.shared.sessions.get(clientId);
    if (record !== undefined && !(room in record.rooms)) record.rooms[room] = this.shared.rooms.get(room)?.last ?? '';
  }

  async left(clientId: string, room: string): Promise<void> {
    const record = this.shared.sessions.get(clientId);
    if (record !== undefined) delete record.rooms[room];
  }

  async detach(clientId: string, data: string, expiresAt: number): Promise<boolean> {
    const record = this.shared.sessions.get(clientId);
    if (record === undefined || record.node !== this.host.nodeId) return false;
    record.node = undefined;
    record.data = data;
    record.expiresAt = expiresAt;
    this.shared.detached.add(clientId);
    return true;
  }

  async end(clientId: string): Promise<void> {
    this.shared.sessions.delete(clientId);
    this.shared.direct.delete(clientId);
    this.shared.detached.delete(clientId);
  }

  async takeExpired(now: number, limit: number): Promise<SessionRecord[]> {
    const { shared } = this;
    const expired: SessionRecord[] = [];
    for (const id of shared.detached) {
      if (expired.length >= limit) break;
      const record = shared.sessions.get(id);
      if (record === undefined || (record.expiresAt ?? 0) > now) continue;
      shared.detached.delete(id);
      shared.sessions.delete(id);
      expired.push(record);
    }
    return expired;
  }

  async history(room: string, limit: number): Promise<LoggedPush[]> {
    return this.shared.rooms.get(room)?.tail(limit) ?? [];
  }

  async close(): Promise<void> {
    this.shared.hosts.delete(this.host);
  }
}
