/**
 * @module metadata/types
 * The typed tree stored under the one metadata key: one per decorated class.
 */

/** The kinds of parameter a handler can ask for. */
export type ParamKind =
  | 'payload'
  | 'client'
  | 'query'
  | 'headers'
  | 'param'
  | 'close-code'
  | 'close-reason'
  | 'raw-message'
  | 'custom';

/** A declared parameter type: a class, or `String`, `Number`, `Boolean`, `Array`, `Object`. */
export type DeclaredType = abstract new (...args: never[]) => unknown;

/** Per-parameter options of `@Payload()`. */
export interface PayloadOptions {
  /** Set `false` to pass the payload through without transforming or validating it. @default true */
  validate?: boolean | undefined;
  /** class-validator options for this parameter, merged over the app's `validation` option. */
  validator?: Record<string, unknown> | undefined;
  /**
   * The parameter's type, for compilers that emit no decorator metadata (esbuild, tsx, Vitest).
   * Wins over the declared type. @example @Payload('room', { type: String })
   */
  type?: DeclaredType | undefined;
}

/** What a parameter decorator records: which argument, and how to produce it. */
export interface ParamMetadata {
  index: number;
  kind: ParamKind;
  /** Property name for `Payload('x')`, `Query('x')`, `Headers('x')`, `Param('x')`. */
  name?: string | undefined;
  payload?: PayloadOptions | undefined;
  /** The explicit type (`@Payload(SayDto)`, `{ type }`): wins over `design:paramtypes`. */
  type?: DeclaredType | undefined;
  /** For custom parameter decorators: computes the value from the context. */
  factory?: ((data: unknown, ctx: unknown) => unknown) | undefined;
  data?: unknown | undefined;
}

/** The lifecycle role of a method. */
export type HandlerKind = 'connect' | 'message' | 'disconnect' | 'raw' | 'error';

/** One decorated method. */
export interface HandlerMetadata {
  kind?: HandlerKind | undefined;
  /** The event name, for `message` handlers. */
  event?: string | undefined;
  params: ParamMetadata[];
  /** Free-form per-handler extensions (guards, interceptors, rate limits...), keyed by feature. */
  extras: Record<string, unknown[]>;
}

/** Options of `@WebSocketController(path, options)`. */
export interface ControllerOptions {
  /**
   * Let clients join and leave rooms themselves with `join-room` / `left-room` messages.
   * A function decides per client and room. @default false
   */
  clientRooms?:
    | boolean
    | ((client: import('../socket/ws-client').WsClient, room: string) => boolean | Promise<boolean>)
    | undefined;
  /**
   * The constructor's injection tokens, in order, for compilers that emit no decorator metadata
   * (esbuild, tsx, Vitest). @example @WebSocketController('/chat', { inject: [RoomService, ChatStore] })
   */
  inject?: readonly ProviderToken[] | undefined;
}

/** Class-level controller data. */
export interface ControllerMetadata {
  path: string;
  options: ControllerOptions;
}

/** A provider as in NestJS, with tsyringe tokens. */
export type ProviderToken<T = unknown> = string | symbol | (abstract new (...args: never[]) => T);
/** A class, or `{ provide, useValue | useClass | useFactory }`. */
export type Provider =
  | (new (...args: never[]) => unknown)
  | { provide: ProviderToken; useValue: unknown }
  | {
      provide: ProviderToken;
      useClass: new (...args: never[]) => unknown;
      /** `'connection'`: one instance per connection (see `@Inject`), disposed after `@OnDisconnect`. @default 'singleton' */
      scope?: 'singleton' | 'connection' | undefined;
    }
  | { provide: ProviderToken; useFactory: (resolve: FactoryResolve) => unknown };

/**
 * What a `useFactory` receives: call it with a token (`resolve(Config)`), or use it the tsyringe way
 * (`c.resolve(Config)`, `c.isRegistered(...)`): it is also the app's container.
 */
export type FactoryResolve = (<T>(token: ProviderToken<T>) => T) & import('tsyringe').DependencyContainer;

/** Options of `@Module(...)`. */
export interface ModuleMetadata {
  controllers?: Array<new (...args: never[]) => unknown> | undefined;
  providers?: Provider[] | undefined;
  imports?: Array<new (...args: never[]) => unknown> | undefined;
}

/** Everything the framework knows about one class. */
export interface ClassMetadata {
  controller?: ControllerMetadata | undefined;
  module?: ModuleMetadata | undefined;
  handlers: Record<string, HandlerMetadata>;
  /** Free-form class-level extensions (guards, filters...), keyed by feature. */
  extras: Record<string, unknown[]>;
}
