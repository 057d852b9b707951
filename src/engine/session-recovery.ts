/**
 * @module engine/session-recovery
 * Session recovery in the connection lifecycle: a resume request is checked before the handshake
 * hooks run, the session is stored or claimed once they accepted, a drop detaches it for the window,
 * and expired sessions get their `@OnDisconnect` on whichever node takes them.
 */
import { encodeMessage } from '../protocol/envelope';
import { compareIds } from '../protocol/offsets';
import { WsException } from '../errors/ws-exception';
import type { Logger } from '../util/logger';
import { SessionState } from '../connections/session-state';
import type { Connection } from '../connections/connection';
import type { Hub } from '../rooms/hub';
import { MemoryRecoveryStore } from '../recovery/memory-store';
import { hasGap, readFrom, replayFrames } from '../recovery/replay';
import { sessionToken, takeResume, type ResumeRequest } from '../recovery/resume-query';
import { newSecret, sameSecret } from '../recovery/secret';
import type { RecoverySettings, RecoveryStore, SessionRecord } from '../recovery/store';
import { restoreData, saveData } from '../recovery/saved-data';

/** A resume request that passed its checks (token, path, nothing lost), before the hooks ran. */
export interface ResumeCandidate {
  request: ResumeRequest;
  record: SessionRecord;
}

/** How far ahead of this node's clock another node's direct-push id may be (clock skew). */
const CLOCK_SKEW_MS = 60_000;

/** Sessions expired per sweep at most (the next sweep takes the rest). */
const EXPIRE_BATCH = 100;

/** The close codes after which a session ends at once: a normal close, or an app-defined one. */
export function endsSession(code: number): boolean {
  return code === 1000 || (code >= 4000 && code <= 4999);
}

/** Recovery's part of one app's engine. */
export class SessionRecovery {
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;

  constructor(
    readonly store: RecoveryStore,
    readonly settings: RecoverySettings,
    private readonly hub: Hub,
    private readonly logger: Logger,
  ) {}

  /** Splits the resume parameters off the query; a resumable request comes back as a candidate. */
  async begin(query: Record<string, string>, path: string): Promise<{ query: Record<string, string>; candidate?: ResumeCandidate }> {
    const taken = takeResume(query);
    const request = taken.resume;
    if (request === undefined || request === 'invalid') return { query: taken.query };
    try {
      const record = await this.store.get(request.clientId);
      if (record === undefined || record.path !== path || !sameSecret(record.secret, request.secret)) return { query: taken.query };
      if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) return { query: taken.query };
      // A client that missed more than a log keeps is not resumed (it could not get everything).
      if (hasGap(await this.store.read(record.id, readFrom(record, request), this.settings.maxPerRoom))) return { query: taken.query };
      return { query: taken.query, candidate: { request, record } };
    } catch (err) {
      this.logger.warn({ err }, 'session recovery store unavailable: the client starts a new session');
      return { query: taken.query };
    }
  }

  /** Gives a new connection its recovery state (and, resuming, its old `client.data`). */
  attach(connection: Connection, candidate: ResumeCandidate | undefined): void {
    const session = new SessionState(this.store);
    if (candidate !== undefined) {
      session.resumed = true;
      session.secret = candidate.record.secret;
      restoreData(connection.data, candidate.record.data);
    } else {
      session.secret = newSecret();
    }
    session.token = sessionToken(connection.id, session.secret);
    connection.session = session;
  }

  /**
   * The hooks accepted: store a new session, or claim the old one (rooms back, replay read).
   * The connection is registered now, so what is sent to it from here on is held, then deduplicated.
   */
  async admit(connection: Connection, candidate: ResumeCandidate | undefined): Promise<void> {
    const session = connection.session as SessionState;
    // Registered (reachable by id) only once its direct pushes can be numbered and logged: a send that
    // found it earlier would wait unlogged, and be lost if the handshake then failed.
    if (candidate === undefined) {
      const rooms: Record<string, string> = {};
      for (const room of connection.rooms) rooms[room] = '';
      await this.store.create({ id: connection.id, path: connection.path, secret: session.secret, rooms, broadcastFrom: '', directFrom: '', data: saveData(connection.data, this.logger) });
      session.recorded = true;
      this.startNumbering(connection, '');
      this.hub.register(connection);
      session.prelude = [this.sessionFrame(connection, false)];
      return;
    }
    const claimed = await this.store.claim(connection.id, session.secret);
    if (claimed === undefined) throw new WsException('RESUME_CONFLICT', 'The session was resumed by another connection or has expired', { status: 409 });
    const from = readFrom(claimed.record, candidate.request);
    // The client may have seen a direct push its dead node sent but never logged: number past it too, if
    // it could have been numbered by now (nodes' clocks may differ a little; an offset from further ahead
    // is made up).
    const seen = from.direct;
    const plausible = seen !== '' && Number(seen.slice(0, seen.indexOf('-'))) <= Date.now() + CLOCK_SKEW_MS;
    this.startNumbering(connection, plausible && compareIds(seen, claimed.directLast) > 0 ? seen : claimed.directLast);
    this.hub.register(connection);
    const fresh = [...connection.rooms]; // joined by @OnConnect this time
    for (const room of Object.keys(claimed.record.rooms)) {
      try {
        await this.hub.join(connection, room);
      } catch (err) {
        this.logger.warn({ err, room }, 'a resumed session could not re-join a room');
      }
    }
    session.recorded = true;
    for (const room of fresh) if (!(room in claimed.record.rooms)) void this.store.joined(connection.id, room).catch(() => undefined);
    const read = await this.store.read(connection.id, from, this.settings.maxPerRoom);
    if (hasGap(read)) this.logger.warn({ clientId: connection.id }, 'a log was trimmed while a session resumed: some pushes are not replayed');
    const { frames, last } = replayFrames(claimed.record, read);
    for (const [stream, id] of last) session.replayed.set(stream, id);
    session.prelude = [this.sessionFrame(connection, true), ...frames];
    for (const listener of this.hub.resumed) {
      try {
        listener(connection);
      } catch (err) {
        this.logger.error({ err, clientId: connection.id }, 'resume listener failed');
      }
    }
  }

  private startNumbering(connection: Connection, after: string): void {
    const session = connection.session as SessionState;
    if (compareIds(after, session.lastDirect) > 0) session.lastDirect = after;
    // Direct pushes sent by @OnConnect waited for the session's numbering: number them now, in order.
    session.numbering = true;
    for (const text of session.takeUnnumbered()) connection.pushDirect(text);
  }

  private sessionFrame(connection: Connection, resumed: boolean): string {
    return encodeMessage('session', { id: connection.id, token: (connection.session as SessionState).token, resumed });
  }

  /** A connection admitted but never opened: a claimed session is detached again, a new one forgotten. */
  abandoned(connection: Connection): void {
    const session = connection.session;
    if (session === undefined || !session.recorded) return;
    if (session.resumed) this.cluster(this.store.detach(connection.id, saveData(connection.data, this.logger), Date.now() + this.settings.windowMs), 'detach');
    else this.cluster(this.store.end(connection.id), 'end');
  }

  /**
   * A connection closed: true when its session was detached (it may resume: no `@OnDisconnect` now),
   * false when the session ended with it.
   */
  dropped(connection: Connection, code: number, shuttingDown: boolean): boolean {
    const session = connection.session;
    if (session === undefined || !session.recorded) return false;
    const resumable = shuttingDown ? this.survivesShutdown() : !connection.kicked && !endsSession(code);
    if (resumable) {
      this.cluster(this.store.detach(connection.id, saveData(connection.data, this.logger), Date.now() + this.settings.windowMs), 'detach');
      return true;
    }
    this.cluster(this.store.end(connection.id), 'end');
    return false;
  }

  /** Whether a session can outlive this app (another app or node shares the store). */
  survivesShutdown(): boolean {
    return !(this.store instanceof MemoryRecoveryStore) || this.store.hasPeers();
  }

  /** Starts expiring sessions whose window ended; `expire` runs their `@OnDisconnect`. */
  start(expire: (record: SessionRecord) => Promise<void>): void {
    const every = Math.max(25, Math.min(1000, Math.floor(this.settings.windowMs / 4)));
    this.sweeper = setInterval(() => void this.sweep(expire, Date.now()), every);
    this.sweeper.unref();
  }

  /** Expires what is due by `now` (`Infinity`: every detached session). */
  async sweep(expire: (record: SessionRecord) => Promise<void>, now: number): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (;;) {
        const records = await this.store.takeExpired(now, EXPIRE_BATCH);
        for (const record of records) {
          try {
            await expire(record);
          } finally {
            await this.store.end(record.id).catch(() => undefined);
          }
        }
        if (records.length < EXPIRE_BATCH) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'expiring recovery sessions failed (retried at the next sweep)');
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops the sweeper; closes the store. */
  async stop(): Promise<void> {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    await this.store.close().catch(() => undefined);
  }

  private cluster(promise: Promise<unknown>, what: string): void {
    promise.catch((err: unknown) => this.logger.error({ err, op: what }, 'session recovery store operation failed'));
  }
}
