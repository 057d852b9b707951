/**
 * @module client/event-map
 * Compile-time description of what a server path understands: event name -> payload and result.
 * Types only; nothing here exists at run time.
 */
import type { WsClient } from '../socket/ws-client';

/** One event the client can send: the payload it takes and the reply it resolves with. */
export interface EventSpec<P = unknown, R = unknown> {
  payload: P;
  result: R;
}

/** Events the client sends, keyed by event name. */
export type EventMap = Record<string, EventSpec>;

/** Events the server pushes, keyed by event name, valued by payload type. */
export type PushMap = Record<string, unknown>;

/** The untyped default: any event, any payload, `unknown` results. */
export type AnyEvents = Record<string, EventSpec<unknown, unknown>>;

/** The untyped default for pushes. */
export type AnyPushes = Record<string, unknown>;

type AnyMethod = (...args: never[]) => unknown;

/** Names of the methods of a controller class instance type. */
export type MethodNames<C> = { [K in keyof C]: C[K] extends AnyMethod ? K : never }[keyof C] & string;

/**
 * How one event maps onto a controller method: the method name (its payload is its first parameter
 * that is not the `WsClient`), or `{ method, payload }` to state the payload type yourself.
 */
export type HandlerRef<C> = MethodNames<C> | { method: MethodNames<C>; payload: unknown };

// The payload is the first parameter that is not the connected client (`@ConnectedClient() client: WsClient`).
type PayloadParam<A extends readonly unknown[]> = A extends readonly []
  ? undefined
  : A extends readonly [infer H, ...infer T]
    ? H extends WsClient
      ? PayloadParam<T>
      : H
    : A[0];
type FirstParam<F> = F extends (...args: infer A) => unknown ? PayloadParam<A> : never;
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

type SpecOf<C, Ref> = Ref extends MethodNames<C>
  ? EventSpec<FirstParam<C[Ref]>, Result<C[Ref]>>
  : Ref extends { method: infer M; payload: infer P }
    ? M extends MethodNames<C>
      ? EventSpec<P, Result<C[M]>>
      : never
    : never;

/** The default mapping: every method is an event of the same name. */
export type SameNameEvents<C> = { [K in MethodNames<C>]: K };

/**
 * Derives an event map from a controller class. TypeScript cannot read `@OnMessage('name')`, so the
 * event -> method mapping is written once next to the controller (checked against the decorators at
 * run time by `verifyEventMap` of `ws-controllers/asyncapi`). Results are the awaited return types.
 * @example export type ChatEvents = ControllerEvents<ChatController, { 'user-typing': 'typing'; add: 'add' }>;
 */
export type ControllerEvents<C, M extends Record<string, HandlerRef<C>> = SameNameEvents<C>> = {
  [E in keyof M & string]: SpecOf<C, M[E]>;
};

/** The payload type of event `K`. */
export type PayloadOf<E, K extends keyof E> = E[K] extends EventSpec<infer P, unknown> ? P : unknown;

/** The result type of event `K`. */
export type ResultOf<E, K extends keyof E> = E[K] extends EventSpec<unknown, infer R> ? R : unknown;
