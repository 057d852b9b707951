/**
 * @module decorators/params
 * Parameter decorators, all made by one factory.
 */
import { addParamMetadata } from '../metadata/reflection';
import type { DeclaredType, ParamKind, ParamMetadata, PayloadOptions } from '../metadata/types';

function paramDecorator(kind: ParamKind, extra: Partial<ParamMetadata> = {}): ParameterDecorator {
  return (target, method, index) => {
    if (method === undefined) throw new Error(`@${kind} parameters are only allowed on handler methods`);
    addParamMetadata(target.constructor, method, { index, kind, ...extra });
  };
}

/**
 * The message payload, transformed and validated when its type is a class. The type is the declared
 * one, or the one given (`@Payload(TypingDto)`, `@Payload('room', { type: String })`), which is needed
 * where the compiler emits no decorator metadata (esbuild, tsx, Vitest).
 * @example typing(@Payload() dto: TypingDto, @Payload('room') room: string)
 */
export function Payload(
  property?: string | DeclaredType | PayloadOptions,
  options?: PayloadOptions,
): ParameterDecorator {
  const name = typeof property === 'string' ? property : undefined;
  const payload = typeof property === 'object' ? property : options;
  const type = typeof property === 'function' ? property : payload?.type;
  return paramDecorator('payload', { name, payload, ...(type === undefined ? {} : { type }) });
}

/** The connected `WsClient`. */
export function ConnectedClient(): ParameterDecorator {
  return paramDecorator('client');
}

/** The handshake's query string as a plain object, or one value of it. */
export function Query(name?: string): ParameterDecorator {
  return paramDecorator('query', { name });
}

/** The handshake's headers, or one of them (case-insensitive). */
export function Headers(name?: string): ParameterDecorator {
  return paramDecorator('headers', { name: name?.toLowerCase() });
}

/** A route parameter of a pattern path such as `/rooms/:roomId`, or all of them. */
export function Param(name?: string): ParameterDecorator {
  return paramDecorator('param', { name });
}

/** The close code, in `@OnDisconnect` handlers. */
export function CloseCode(): ParameterDecorator {
  return paramDecorator('close-code');
}

/** The close reason, in `@OnDisconnect` handlers. */
export function CloseReason(): ParameterDecorator {
  return paramDecorator('close-reason');
}

/** The raw frame (`text()` and `bytes()`), in `@OnRawMessage` handlers. */
export function RawMessage(): ParameterDecorator {
  return paramDecorator('raw-message');
}

/** The context a custom parameter decorator computes its value from. */
export interface ParamContext {
  /** The connected client (a `WsClient`). */
  client: import('../socket/ws-client').WsClient;
  /** The event, for message handlers. */
  event?: string | undefined;
  /** The payload as it arrived, before validation. */
  payload?: unknown | undefined;
}

/**
 * Makes a custom parameter decorator from a function of the context.
 * @example const CurrentUser = createParamDecorator((_data, ctx) => ctx.client.data.user);
 */
export function createParamDecorator<D = unknown>(
  factory: (data: D | undefined, ctx: ParamContext) => unknown,
): (data?: D) => ParameterDecorator {
  return (data?: D) =>
    paramDecorator('custom', { factory: factory as (data: unknown, ctx: unknown) => unknown, data });
}
