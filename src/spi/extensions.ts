/**
 * @module spi/extensions
 * The extension points of `bootstrap()`: upgrade gates, lifecycle observers and invoker enhancers,
 * the contract that guards, limits, metrics and third-party plugins are written against.
 */
import type { ClassMetadata, HandlerKind, HandlerMetadata } from '../metadata/types';
import type { RawMessageData } from '../protocol/raw-message';
import type { Envelope, WireError } from '../protocol/wire';
import type { ConnectionHandle, ControllerInfo } from './handles';
import type { Handshake } from './transport';

/**
 * Runs during an upgrade, before the controller's `@OnConnect` hooks (origin checks, limits, connect
 * guards). Returning `false` (or a promise of it) refuses with 403; throwing a `WsException` refuses
 * with its status and code.
 */
export type UpgradeGate = (connection: ConnectionHandle, controller: ControllerInfo) => unknown;

/** Optional callbacks on lifecycle moments (metrics, admin views). None of them is on the message path. */
export interface EngineObserver {
  /** An upgrade was refused (404 and malformed handshakes included). */
  refused?(handshake: Handshake, status: number, code: string): void;
  /** A connection completed its handshake. */
  opened?(connection: ConnectionHandle): void;
  /** A connection that passed the gates will never open (refused later, timed out, or its peer left). */
  abandoned?(connection: ConnectionHandle): void;
  /** A connection closed. */
  closed?(connection: ConnectionHandle, code: number, reason: string): void;
}

/** Facts of a lifecycle moment other than a message (connect, disconnect, raw frame, error). */
export interface HookInput {
  event?: string | undefined;
  payload?: unknown | undefined;
  code?: number | undefined;
  reason?: string | undefined;
  raw?: RawMessageData | undefined;
  error?: unknown | undefined;
}

/**
 * Calls a handler with its resolved arguments; may return a promise. `hook` is undefined on the
 * message path, where `payload` is all there is.
 */
export type Invoker = (client: ConnectionHandle, payload: unknown, hook: HookInput | undefined) => unknown;

/** Everything known about one handler at compile time, for features that wrap the call. */
export interface HandlerDescriptor {
  readonly controller: Function;
  readonly instance: object;
  readonly methodName: string;
  /** The function called, when it is not the controller's method `methodName` (the built-in `join-room` / `left-room`). */
  readonly handler?: Function;
  readonly kind: HandlerKind;
  readonly event?: string | undefined;
  readonly metadata: HandlerMetadata;
  readonly classMetadata: ClassMetadata;
}

/** Wraps a compiled call (guards, middleware, interceptors...). Returns it unchanged when it adds nothing. */
export type InvokerEnhancer = (descriptor: HandlerDescriptor, invoke: Invoker) => Invoker;

/**
 * Counts one frame that reaches no handler (malformed, binary without `@OnRawMessage`, unknown event)
 * against its connection's limits: `true` lets it be answered as usual, `false` drops it without a
 * reply (its client is being closed for flooding), a thrown `WsException` (`RATE_LIMITED`) refuses it.
 */
export type FrameCheck = (connection: ConnectionHandle) => boolean;

/** Builds, once per controller, the check for frames that reach no handler; `undefined` when no limit applies. */
export type FrameLimiter = (controller: ControllerInfo) => FrameCheck | undefined;

/** Sees every error as it goes to a client (metrics, admin view). */
export type ErrorTap = (client: ConnectionHandle, wire: WireError, error: unknown) => void;

/** A step inside one handler call that a plugin may wrap (tracing): a guard, a payload validation, the method. */
export interface HandlerStep {
  readonly kind: 'guard' | 'validation' | 'handler';
  /** The guard's name, the validated type's name (a DTO class, `String`...), or `Controller.method`. */
  readonly name: string;
  /** Validations of one named payload property (`@MessageBody('text')`): that property. */
  readonly property?: string | undefined;
}

/** The function of a step: a guard's `canActivate(ctx)`, a payload converter `(value)`, or the method itself. */
export type StepFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps one step of a handler call, once at start-up. `run` must be called with the `this` and arguments
 * the wrapper got; return `run` itself when adding nothing (the step then costs nothing).
 */
export type StepEnhancer = (descriptor: HandlerDescriptor, step: HandlerStep, run: StepFn) => StepFn;

/**
 * Sees every parsed envelope just before it is dispatched, synchronously (tracing reads its `traceparent`).
 * It is on the message path: keep it cheap, never throw.
 */
export type EnvelopeTap = (client: ConnectionHandle, envelope: Envelope) => void;
