/**
 * @module app/options
 * Options of `bootstrap()`, with their defaults.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { ValidatorOptions } from 'class-validator';
import type { Adapter } from '../adapter/adapter';
import type { Transport } from '../spi/transport';
import type { Provider } from '../metadata/types';
import type { Logger } from './logger';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_ROOMS_PER_CLIENT } from '../rooms/hub';
import type { EngineObserver, InvokerEnhancer, StepEnhancer, UpgradeGate } from '../spi/extensions';
import type { AdminOptions, HealthOptions, MetricsOptions } from '../observability/options';
import type { TracingOptions } from '../tracing/options';
import type { PerMessageDeflateOptions } from '../transport/deflate';
import type { HandlerTimeout } from '../hardening/handler-timeout';
import type { OriginPolicy } from '../hardening/origin-gate';
import type { ConnectionRateLimit } from '../hardening/connection-rate';
import { DEFAULT_PAYLOAD_LIMITS } from '../validation/payload-limits';
import type { RecoveryOptions } from '../recovery/options';
import type { PresenceOptions } from '../presence/options';
import type { FilterLike, GuardLike, InterceptorLike, MiddlewareLike, RateLimitOptions } from '../pipeline/types';

/** Options of `bootstrap(module, options)`. */
export interface BootstrapOptions {
  /** Port to listen on (0 picks a free one). Ignored with `server`. @default 3000 */
  port?: number | undefined;
  /** Interface to listen on. @default all interfaces */
  host?: string | undefined;
  /** Attach to an existing http/https server instead of opening a port; plain HTTP keeps working on it. */
  server?: HttpServer | HttpsServer | undefined;
  /** Largest accepted message in bytes; larger frames close the connection with 1009. @default 1048576 (1 MiB) */
  maxPayload?: number | undefined;
  /** class-validator options for DTO payloads. @default { whitelist: true, forbidNonWhitelisted: true } */
  validation?: ValidatorOptions | undefined;
  /**
   * Deepest nesting of objects and arrays in a message payload (the payload itself is level 1). Checked, with
   * the two limits below, in one walk before any parameter is resolved, for every message handler, typed or
   * not; a payload over a limit gets `PAYLOAD_TOO_COMPLEX` naming the failing path. `Infinity` turns it off.
   * @default 32
   */
  maxPayloadDepth?: number | undefined;
  /** Most keys of any one object in a message payload; more get `PAYLOAD_TOO_COMPLEX`. @default 1000 */
  maxPayloadKeys?: number | undefined;
  /** Most items of any one array in a message payload; more get `PAYLOAD_TOO_COMPLEX`. @default 10000 */
  maxArrayLength?: number | undefined;
  /** A pino-compatible logger, or `false` for none. @default pino JSON lines at `info` */
  logger?: Logger | false | undefined;
  /** The scale-out adapter. @default new InMemoryAdapter() */
  adapter?: Adapter | undefined;
  /**
   * Session recovery: a client that reconnects within `windowMs` with its session token gets its id,
   * rooms and `client.data` back and every push it missed (see README, "Session recovery"). `true` takes
   * the defaults. @default off
   */
  recovery?: boolean | RecoveryOptions | undefined;
  /** A client with more bytes than this queued is closed with 1013. @default 8388608 (8 MiB) */
  maxBufferedBytes?: number | undefined;
  /**
   * Most rooms one client may be in. A join past it (`join-room`, `client.join`, `rooms.join`) fails
   * with `ROOM_LIMIT`; joining a room it is already in is not a new room. @default 100
   */
  maxRoomsPerClient?: number | undefined;
  /**
   * An `@OnConnect` still running after this many ms refuses the upgrade with 503. It also bounds a
   * `clientRooms` function: a join still waiting on it answers `HANDLER_TIMEOUT`. @default 10000
   */
  handshakeTimeoutMs?: number | undefined;
  /** How long `close()` waits for clients to finish their closing handshake before dropping them. @default 5000 */
  closeTimeoutMs?: number | undefined;
  /** Another runtime's transport (the default is Node's `ws`). */
  transport?: Transport | undefined;
  /** Wrappers applied to every compiled handler call, in order (used by the request pipeline). */
  enhancers?: InvokerEnhancer[] | undefined;
  /** Wrappers of the steps inside each handler call: each guard, each payload validation, the method (used by tracing). */
  steps?: StepEnhancer[] | undefined;
  /** Checks run at every upgrade before `@OnConnect` (used by guards, origin checks, limits). */
  gates?: UpgradeGate[] | undefined;
  /** Lifecycle observers (used by metrics and the admin view). */
  observers?: EngineObserver[] | undefined;
  /** Prometheus metrics (needs `prom-client`): `true`, or `{ path: '/metrics', registry, prefix }`. @default off */
  metrics?: boolean | MetricsOptions | undefined;
  /** `/healthz` and `/readyz` on the app's HTTP server: `true`, or other paths. @default off */
  health?: boolean | HealthOptions | undefined;
  /**
   * OpenTelemetry spans for upgrades, messages (with their guards, validation and handler) and cross-node
   * deliveries (needs `@opentelemetry/api`). `false` turns it off, `true` or settings turn it on.
   * @default on when `@opentelemetry/api` is installed and a tracer provider is registered globally before `bootstrap()`; off otherwise
   */
  tracing?: boolean | TracingOptions | undefined;
  /** The live admin page, protected by a token: `{ path: '/admin', token }`. @default off */
  admin?: AdminOptions | undefined;
  /** Providers registered after the module's own, so they replace them (used by `createTestingApp`). */
  overrides?: Provider[] | undefined;
  /** Opt-in permessage-deflate (`true` or settings); off by default for memory safety. @default false */
  perMessageDeflate?: boolean | PerMessageDeflateOptions | undefined;
  /** Origins allowed to connect (exact strings or a predicate); others get 403. @default any origin */
  allowedOrigins?: OriginPolicy | undefined;
  /** Refuse (403) handshakes without an `Origin` header (non-browser clients). @default false */
  requireOrigin?: boolean | undefined;
  /** Ping interval; a peer that missed the previous pong is terminated (1006). 0 turns it off. @default 30000 */
  heartbeatIntervalMs?: number | undefined;
  /** Pings a client may send per 10 s; more close it with 1008 (each ping costs a pong). 0: no limit. @default 100 */
  maxPingsPer10s?: number | undefined;
  /** Frames one message may be split into; more close the connection with 1008 (ws allows 16,384). @default 256 */
  maxFragments?: number | undefined;
  /**
   * Bytes all connections together may hold in unfinished incoming messages and unsent output
   * (Node transport). Above 90 % new upgrades are refused with 503 `OVER_MEMORY_BUDGET`; above it the
   * connections holding the most are closed (1009 for an unfinished message, 1008 for a send buffer)
   * until 75 % remains. 0 turns it off.
   * @default a quarter of V8's heap limit (`v8.getHeapStatistics().heap_size_limit / 4`)
   */
  memoryBudgetBytes?: number | undefined;
  /** Connections (including pending upgrades) per app; more are refused with 503. @default Infinity */
  maxConnections?: number | undefined;
  /** Connections per remote address; more are refused with 429. @default Infinity */
  maxConnectionsPerIp?: number | undefined;
  /**
   * New connections per remote address: a token bucket of `points` upgrades refilled over `perMs`;
   * past it upgrades get 429 `CONNECTION_RATE_LIMITED` (so a client closed for flooding cannot
   * reconnect for a fresh rate-limit bucket). Behind a proxy every client shares its address. @default off
   */
  connectionRateLimit?: ConnectionRateLimit | undefined;
  /** A handler still running after this many ms answers `HANDLER_TIMEOUT` (a number, or per handler). @default none */
  handlerTimeoutMs?: HandlerTimeout | undefined;
  /** Guards run for every controller: at each upgrade and before each message handler (classes, instances or functions). */
  guards?: GuardLike[] | undefined;
  /** Middleware `(ctx, next) => Promise<void>` (or classes with `use`) around every message handler, outermost first. */
  middleware?: MiddlewareLike[] | undefined;
  /** Interceptors around every message handler, outermost first. */
  interceptors?: InterceptorLike[] | undefined;
  /** Exception filters tried after the handler's and controller's own. */
  filters?: FilterLike[] | undefined;
  /** A token bucket per client shared by all its messages; excess gets `RATE_LIMITED`, floods are closed with 1008. */
  rateLimit?: RateLimitOptions | undefined;
  /** `PresenceService` settings: diff interval and limits. @default { diffIntervalMs: 100, maxMetaBytes: 1024, maxEntriesPerRoom: 10000 } */
  presence?: PresenceOptions | undefined;
}

/** Options with every default applied. */
export interface ResolvedOptions extends BootstrapOptions {
  port: number;
  maxPayload: number;
  validation: ValidatorOptions;
  maxPayloadDepth: number;
  maxPayloadKeys: number;
  maxArrayLength: number;
  maxBufferedBytes: number;
  maxRoomsPerClient: number;
  handshakeTimeoutMs: number;
  closeTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/** Applies defaults. */
export function resolveOptions(options: BootstrapOptions = {}): ResolvedOptions {
  return {
    ...options,
    port: options.port ?? 3000,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    validation: options.validation ?? {},
    maxPayloadDepth: options.maxPayloadDepth ?? DEFAULT_PAYLOAD_LIMITS.maxDepth,
    maxPayloadKeys: options.maxPayloadKeys ?? DEFAULT_PAYLOAD_LIMITS.maxKeys,
    maxArrayLength: options.maxArrayLength ?? DEFAULT_PAYLOAD_LIMITS.maxArrayLength,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    maxRoomsPerClient: options.maxRoomsPerClient ?? DEFAULT_MAX_ROOMS_PER_CLIENT,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
  };
}
