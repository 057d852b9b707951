/**
 * @module dispatch/param-resolvers
 * Builds, once at start-up, one small function per handler parameter that produces its argument.
 */
import type { ValidatorOptions } from 'class-validator';
import type { HookInput } from '../spi/extensions';
import type { ConnectionHandle } from '../spi/handles';
import type { HandlerKind, ParamMetadata } from '../metadata/types';
import { compilePayloadConverter, DEFAULT_VALIDATOR_OPTIONS, isAsyncConverter, isPassThrough, type PayloadConverter } from '../validation/payload-validator';

export type { HookInput };

/** Produces one argument. `hook` is undefined on the message path, where `payload` is all there is. */
export type ParamResolver = (client: ConnectionHandle, payload: unknown, hook: HookInput | undefined) => unknown;

/** Validation settings a resolver is compiled with. */
export interface ResolverSettings {
  validation: ValidatorOptions;
  /** Wraps each converter that validates something (tracing); `name` is the type's, `property` the named field. */
  wrapConverter?: ((convert: PayloadConverter, name: string, property: string | undefined) => PayloadConverter) | undefined;
}

const client: ParamResolver = (c) => c;
const payload: ParamResolver = (_c, p, h) => (h === undefined ? p : h.payload);
const closeCode: ParamResolver = (_c, _p, h) => h?.code;
const closeReason: ParamResolver = (_c, _p, h) => h?.reason;
const raw: ParamResolver = (_c, _p, h) => h?.raw;
const error: ParamResolver = (_c, _p, h) => h?.error;
const event = (name: string | undefined): ParamResolver => (_c, _p, h) => (h?.event ?? name);

/** Arguments of a handler whose parameters carry no decorator at all (NestJS-style positional). */
function defaultResolvers(kind: HandlerKind, eventName: string | undefined): ParamResolver[] {
  switch (kind) {
    case 'connect':
      return [client];
    case 'message':
      return [client, payload];
    case 'disconnect':
      return [client, closeCode, closeReason];
    case 'raw':
      return [client, raw];
    case 'error':
      return [error, client, event(eventName)];
  }
}

function pick(record: Readonly<Record<string, unknown>>, name: string | undefined): unknown {
  return name === undefined ? record : record[name];
}

/** Resolvers that may return a promise (their arguments must be awaited). */
const asyncResolvers = new WeakSet<ParamResolver>();

function payloadResolver(param: ParamMetadata, type: unknown, settings: ResolverSettings): ParamResolver {
  const options = param.payload?.validate === false ? false : { ...DEFAULT_VALIDATOR_OPTIONS, ...settings.validation, ...param.payload?.validator };
  const name = param.name;
  const compiled = compilePayloadConverter(type, name ?? '', options);
  const wrap = settings.wrapConverter;
  const convert = wrap === undefined || isPassThrough(compiled) ? compiled : wrap(compiled, (type as Function).name, name);
  const resolver: ParamResolver =
    name === undefined
      ? (_c, p, h) => convert(h === undefined ? p : h.payload)
      : (_c, p, h) => {
          const whole = h === undefined ? p : h.payload;
          return convert(whole !== null && typeof whole === 'object' ? (whole as Record<string, unknown>)[name] : undefined);
        };
  if (isAsyncConverter(compiled)) asyncResolvers.add(resolver);
  return resolver;
}

function resolverFor(param: ParamMetadata, type: unknown, eventName: string | undefined, settings: ResolverSettings): ParamResolver {
  switch (param.kind) {
    case 'payload':
      return payloadResolver(param, type, settings);
    case 'client':
      return client;
    case 'query':
      return (c) => pick(c.query, param.name);
    case 'headers':
      return (c) => pick(c.headers, param.name);
    case 'param':
      return (c) => pick(c.params, param.name);
    case 'close-code':
      return closeCode;
    case 'close-reason':
      return closeReason;
    case 'raw-message':
      return raw;
    case 'custom': {
      const factory = param.factory as (data: unknown, ctx: unknown) => unknown;
      return (c, p, h) => factory(param.data, { client: c, event: h?.event ?? eventName, payload: h === undefined ? p : h.payload });
    }
  }
}

/** The resolvers of one handler, in argument order. */
export interface CompiledParams {
  resolvers: ParamResolver[];
  /** Some argument may arrive as a promise (async validation): await them before the call. */
  asyncArgs: boolean;
}

/** Compiles all resolvers of one handler. */
export function compileResolvers(
  kind: HandlerKind,
  params: ParamMetadata[],
  paramTypes: unknown[],
  eventName: string | undefined,
  settings: ResolverSettings,
): CompiledParams {
  if (params.length === 0) return { resolvers: defaultResolvers(kind, eventName), asyncArgs: false };
  const count = Math.max(paramTypes.length, ...params.map((p) => p.index + 1));
  const resolvers: ParamResolver[] = new Array<ParamResolver>(count).fill(() => undefined);
  for (const param of params) resolvers[param.index] = resolverFor(param, paramTypes[param.index], eventName, settings);
  return { resolvers, asyncArgs: resolvers.some((r) => asyncResolvers.has(r)) };
}
