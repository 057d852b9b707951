/**
 * @module redis/room-asks
 * Both ends of a cluster-wide room request over Redis. The asker PUBLISHes one `ask` on the request
 * channel; every live node asks its own members and reports on the asker's reply channel: the ids it
 * asks (sent before asking them), then the answers as they arrive (batched per turn of the event
 * loop), then `d: 1`. The asker
 * follows each live peer until it is done or gone (purged, or said bye), or the timeout; whatever
 * comes later finds no entry and is dropped.
 */
import { randomBytes } from 'node:crypto';
import type { LocalMemberAsker, MemberRequest, MemberSink, RoomReply } from '../adapter/member-requests';
import type { RedisKeys } from './keys';
import type { NodeRegistry, RegistrySelf } from './node-registry';
import type { PendingRequests } from './pending-requests';
import type { RedisDriver } from './redis-driver';
import { REDIS_PROTOCOL_VERSION, type AskReport, type ReplyMessage, type RequestMessage } from './wire';

type AskMessage = Extract<RequestMessage, { t: 'ask' }>;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Room requests of one node: asking the others' members, and asking its own for the others. */
export class RoomAsks {
  constructor(
    private readonly driver: RedisDriver,
    private readonly keys: RedisKeys,
    private readonly self: RegistrySelf,
    private readonly pending: PendingRequests,
    private readonly registry: NodeRegistry,
    /** How this node asks its own members (undefined: an emitter, or an app without room requests). */
    private readonly local: LocalMemberAsker | undefined,
    private readonly warn: (kind: string, message: string, error?: unknown) => void,
  ) {}

  /** Asks the members of every live peer; resolves when all are done or gone, or at the timeout. */
  async ask(request: MemberRequest, sink: Omit<MemberSink, 'done'>): Promise<void> {
    const peers = this.registry.peers;
    if (peers.size === 0) return;
    if (!this.driver.ready) {
      this.warn('ask', 'Redis is unreachable: a room request reached local members only');
      return;
    }
    const id = randomBytes(9).toString('base64url');
    const followed = this.pending.follow(id, peers, request.timeoutMs, (_from, value) => report(value, sink));
    const message: AskMessage = { t: 'ask', r: id, f: this.self.id, q: request, w: REDIS_PROTOCOL_VERSION };
    try {
      await this.driver.command(['PUBLISH', this.keys.requestChannel, JSON.stringify(message)]);
    } catch (error) {
      this.warn('ask', 'Redis PUBLISH failed: a room request reached local members only', error);
      this.pending.cancel(id);
    }
    return followed;
  }

  /** Another node's `ask`: this node asks its own members and reports to the asker. */
  onAsk(message: AskMessage): void {
    if (this.local === undefined || typeof message.r !== 'string' || typeof message.f !== 'string') return;
    const request = checkRequest(message.q);
    if (request === undefined) {
      this.send(message, { i: [], d: 1 }); // malformed: nothing asked here, and the asker need not wait
      return;
    }
    let batch: AskReport | undefined;
    // Answers arriving in one turn of the event loop travel in one reply; order is kept (one connection).
    const add = (change: (report: AskReport) => void): void => {
      if (batch === undefined) {
        batch = {};
        setImmediate(() => {
          const out = batch as AskReport;
          batch = undefined;
          this.send(message, out);
        });
      }
      change(batch);
    };
    this.local(request, {
      // Sent at once, before the members are asked: even if this node stalls next, the asker knows them.
      asked: (ids) => this.send(message, { i: [...ids] }),
      answered: (reply) => add((b) => (b.a ??= []).push(reply)),
      done: () => add((b) => (b.d = 1)),
    });
  }

  private send(message: AskMessage, report: AskReport): void {
    const reply: ReplyMessage = { r: message.r, f: this.self.id, v: report, w: REDIS_PROTOCOL_VERSION };
    this.driver
      .command(['PUBLISH', this.keys.replyChannel(message.f), JSON.stringify(reply)])
      .catch((error: unknown) => this.warn('reply', 'Redis PUBLISH of room request answers failed', error));
  }
}

// Passes a node's report on; true once that node is done (a report that is not one ends it too: a node
// of another protocol version answers null).
function report(value: unknown, sink: Omit<MemberSink, 'done'>): boolean {
  if (value === null || typeof value !== 'object') return true;
  const { i, a, d } = value as AskReport;
  if (Array.isArray(i)) sink.asked(i.filter((id): id is string => typeof id === 'string'));
  if (Array.isArray(a)) for (const reply of a) if (isReply(reply)) sink.answered(reply);
  return d === 1;
}

function isReply(value: unknown): value is RoomReply {
  return value !== null && typeof value === 'object' && typeof (value as RoomReply).clientId === 'string';
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

// A request from the wire, checked before any member is asked.
function checkRequest(value: unknown): MemberRequest | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { rooms, except, event, payload, timeoutMs } = value as Record<string, unknown>;
  if (!isStrings(rooms) || !isStrings(except) || typeof event !== 'string') return undefined;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMER_MS) return undefined;
  return { rooms, except, event, payload, timeoutMs };
}
