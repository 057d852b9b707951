/**
 * @module observability/traffic-stats
 * The numbers behind metrics and the admin view, kept as plain fields. The hot path only increments
 * them (through the enhancer and the send tap); Prometheus and the admin page read them when asked.
 */
import { performance } from 'node:perf_hooks';
import type { SendTap } from '../connections/connection';
import type { ConnectionHandle } from '../spi/handles';
import type { ErrorTap, InvokerEnhancer } from '../spi/extensions';
import { eventPrefix } from '../protocol/envelope';
import type { Invoker } from '../spi/extensions';
import { isThenable } from '../util/thenable';
import type { EngineObserver } from '../spi/extensions';
import { DurationBuckets } from './duration-buckets';
import { eventOf, hasPrefix, RAW_EVENT } from './event-name';
import { boundText } from '../util/bounded-text';

/** Label of events past the cardinality cap (server-chosen names that keep changing), and of names too long to keep. */
export const OTHER_EVENT = '(other)';

/** Label of error codes and refusal codes past their cap. */
export const OTHER_CODE = '(other)';

/**
 * Bounds of everything kept here, so no client (nor a handler echoing client input into its errors)
 * decides how much the admin view and the metrics hold: strings are cut, label sets are capped.
 */
export const KEPT_LIMITS = {
  /** Longest event name counted under its own name (longer ones count as `(other)`). */
  eventName: 256,
  /** Longest error or refusal code kept (longer ones are cut). */
  code: 64,
  /** Distinct error codes, and distinct refusals (status and code), counted apart. */
  codes: 100,
  /** Longest message and path of a recent error. */
  text: 256,
} as const;

// How many recent events the send tap recognises by prefix.
const RECENT_EVENTS = 4;

/** Counters of one event. */
export class EventStats {
  in = 0;
  out = 0;
  /** How its frames start: `{"event":"<name>"` (closing quote included, so `echo` never matches `echo2`). */
  readonly prefix: string;
  constructor(
    readonly event: string,
    /** Handler durations, in seconds. */
    readonly duration: DurationBuckets,
  ) {
    this.prefix = eventPrefix(event);
  }
}

/** One error sent to a client, as the admin view lists it. */
export interface RecentError {
  at: number;
  code: string;
  message: string;
  event?: string | undefined;
  clientId: string;
  path: string;
}

/** A refused handshake's status and code, with how often it happened. */
export interface RefusalCount {
  status: number;
  code: string;
  count: number;
}

/** Route pattern a connection was accepted on (`/rooms/:id`, not `/rooms/42`: bounded labels). */
export function routeOf(connection: ConnectionHandle): string {
  return connection.controller?.path ?? connection.path;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Traffic counters of one app. */
export class TrafficStats {
  readonly events = new Map<string, EventStats>();
  readonly errors = new Map<string, number>();
  readonly recentErrors: RecentError[] = [];
  readonly connects = new Map<string, number>();
  readonly disconnects = new Map<string, number>();
  readonly refusals = new Map<string, RefusalCount>();
  readonly openedAt = new WeakMap<ConnectionHandle, number>();

  constructor(
    private readonly buckets: readonly number[],
    private readonly keepErrors: number,
    private readonly maxEvents = 500,
  ) {}

  /** The counters of an event (created on first use, up to the cap). */
  statsFor(event: string): EventStats {
    let stats = this.events.get(event);
    if (stats === undefined) {
      if ((this.events.size >= this.maxEvents || event.length > KEPT_LIMITS.eventName) && event !== OTHER_EVENT) return this.statsFor(OTHER_EVENT);
      stats = new EventStats(event, new DurationBuckets(this.buckets));
      this.events.set(event, stats);
    }
    return stats;
  }

  /** Counts messages in and times each `@OnMessage` call (sync or async) of its event. */
  readonly enhancer: InvokerEnhancer = (descriptor, invoke) => {
    if (descriptor.kind !== 'message' || descriptor.event === undefined) return invoke;
    return timed(this.statsFor(descriptor.event), invoke);
  };

  // The events of the last few frames sent: most frames repeat a recent event (a stream of replies,
  // a reply and its broadcast), and comparing a prefix is cheaper than slicing the name out of the
  // frame and hashing it.
  private readonly recent: EventStats[] = [];
  private nextRecent = 0;

  /** Counts every text frame written, by the event it carries. */
  readonly onSend: SendTap = (text, recipients) => {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const stats = recent[i]!;
      if (hasPrefix(text, stats.prefix)) {
        stats.out += recipients;
        return;
      }
    }
    const event = eventOf(text);
    const stats = this.statsFor(event);
    stats.out += recipients;
    if (event === RAW_EVENT || stats.event !== event) return;
    recent[this.nextRecent] = stats;
    this.nextRecent = (this.nextRecent + 1) % RECENT_EVENTS;
  };

  /** Counts errors by code and keeps the latest for the admin view. */
  readonly onError: ErrorTap = (client, wire, error) => {
    const code = keptCode(wire.code);
    bump(this.errors, this.errors.has(code) || this.errors.size < KEPT_LIMITS.codes ? code : OTHER_CODE);
    // The admin view is token-protected: it may show what the client was not told.
    const message = error instanceof Error && wire.code === 'INTERNAL_ERROR' ? error.message : wire.message;
    const event = wire.event;
    this.recentErrors.push({
      at: Date.now(),
      code,
      message: boundText(String(message), KEPT_LIMITS.text),
      event: event === undefined ? undefined : boundText(event, KEPT_LIMITS.eventName),
      clientId: client.id,
      path: boundText(client.path, KEPT_LIMITS.text),
    });
    if (this.recentErrors.length > this.keepErrors) this.recentErrors.shift();
  };

  /** Lifecycle counts. */
  readonly observer: EngineObserver = {
    refused: (_handshake, status, code) => {
      let kept = keptCode(code);
      let key = `${status} ${kept}`;
      if (!this.refusals.has(key) && this.refusals.size >= KEPT_LIMITS.codes) {
        kept = OTHER_CODE;
        key = `${status} ${kept}`;
      }
      const entry = this.refusals.get(key);
      if (entry) entry.count++;
      else this.refusals.set(key, { status, code: kept, count: 1 });
    },
    opened: (connection) => {
      this.openedAt.set(connection, Date.now());
      bump(this.connects, routeOf(connection));
    },
    closed: (connection) => bump(this.disconnects, routeOf(connection)),
  };
}

function keptCode(code: string): string {
  return code.length <= KEPT_LIMITS.code ? code : boundText(code, KEPT_LIMITS.code);
}

function timed(stats: EventStats, invoke: Invoker): Invoker {
  const duration = stats.duration;
  const done = (start: number): void => duration.observe((performance.now() - start) / 1000);
  return (client, payload, hook) => {
    stats.in++;
    const start = performance.now();
    let result: unknown;
    try {
      result = invoke(client, payload, hook);
    } catch (error) {
      done(start);
      throw error;
    }
    if (!isThenable(result)) {
      done(start);
      return result;
    }
    return result.then(
      (value) => {
        done(start);
        return value;
      },
      (error: unknown) => {
        done(start);
        throw error;
      },
    );
  };
}
