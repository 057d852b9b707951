/**
 * @module pipeline/execution-context
 * What guards, middleware, interceptors and filters see of one request (a message or an upgrade).
 */
import type { WsClient } from '../socket/ws-client';
import type { HandlerKind } from '../metadata/types';

/** The handler a context belongs to; fixed at start-up, shared by every request to it. */
export interface HandlerRef {
  readonly controller: Function;
  readonly method: string | undefined;
  readonly handler: Function | undefined;
  readonly kind: HandlerKind;
  readonly event: string | undefined;
}

/** One request travelling through the pipeline. */
export class ExecutionContext {
  /** The value the handler returned (after interceptors); middleware may read or replace it after `next()`. */
  result: unknown = undefined;

  constructor(
    private readonly ref: HandlerRef,
    /** The client. */
    readonly client: WsClient,
    /** The payload as it arrived (before validation); middleware may replace it for the handler. */
    public payload: unknown,
  ) {}

  /** The event name (`undefined` at connect and for raw frames). */
  get event(): string | undefined {
    return this.ref.event;
  }

  /** `'message'`, `'raw'` or `'connect'`. */
  get kind(): HandlerKind {
    return this.ref.kind;
  }

  /** The controller class. */
  get controller(): Function {
    return this.ref.controller;
  }

  /** The handler's method name (`undefined` for an upgrade to a controller without `@OnConnect`). */
  get method(): string | undefined {
    return this.ref.method;
  }

  /** The handler method itself (`undefined` for an upgrade to a controller without `@OnConnect`). */
  get handler(): Function | undefined {
    return this.ref.handler;
  }

  /** Always `'ws'` (NestJS spelling). */
  getType(): 'ws' {
    return 'ws';
  }

  /** NestJS-style accessors: `getClient()`, `getData()` (the payload) and `getPattern()` (the event). */
  switchToWs(): { getClient(): WsClient; getData(): unknown; getPattern(): string | undefined } {
    return { getClient: () => this.client, getData: () => this.payload, getPattern: () => this.event };
  }

  /** The controller class (NestJS spelling). */
  getClass(): Function {
    return this.ref.controller;
  }

  /** The handler method itself (NestJS spelling). */
  getHandler(): Function | undefined {
    return this.ref.handler;
  }
}
