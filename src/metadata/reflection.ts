/**
 * @module metadata/reflection
 * The only code that touches `Reflect`: one key, one typed tree per class, small merge helpers.
 */
import type {} from 'reflect-metadata';
import type { ClassMetadata, HandlerMetadata, ParamMetadata } from './types';

/** The one metadata key of the framework. */
export const METADATA_KEY = Symbol.for('ws-controllers:metadata');

function ensureReflect(): void {
  if (typeof Reflect !== 'object' || typeof Reflect.getOwnMetadata !== 'function') {
    throw new Error(
      "ws-controllers needs the 'reflect-metadata' polyfill: add `import 'reflect-metadata'` once, before any decorated class.",
    );
  }
}

/** Reads the tree of a class (own metadata only: subclasses get a copy at first write). */
export function readClassMetadata(target: Function): ClassMetadata | undefined {
  ensureReflect();
  return Reflect.getOwnMetadata(METADATA_KEY, target) as ClassMetadata | undefined;
}

/** Returns the tree of a class, creating it (inheriting handlers of a decorated parent) when missing. */
export function writableClassMetadata(target: Function): ClassMetadata {
  let meta = readClassMetadata(target);
  if (!meta) {
    const parent = Object.getPrototypeOf(target) as Function | null;
    const inherited = parent ? readClassMetadata(parent) : undefined;
    meta = {
      handlers: inherited ? structuredCloneHandlers(inherited.handlers) : {},
      extras: {},
    };
    Reflect.defineMetadata(METADATA_KEY, meta, target);
  }
  return meta;
}

function structuredCloneHandlers(handlers: Record<string, HandlerMetadata>): Record<string, HandlerMetadata> {
  const copy: Record<string, HandlerMetadata> = {};
  for (const [name, h] of Object.entries(handlers)) {
    copy[name] = { ...h, params: [...h.params], extras: { ...h.extras } };
  }
  return copy;
}

/** Returns (creating if needed) the metadata of one method. */
export function writableHandlerMetadata(target: Function, method: string | symbol): HandlerMetadata {
  const meta = writableClassMetadata(target);
  const key = String(method);
  let handler = meta.handlers[key];
  if (!handler) {
    handler = { params: [], extras: {} };
    meta.handlers[key] = handler;
  }
  return handler;
}

/** Records one parameter of a method (replacing an earlier record at the same index). */
export function addParamMetadata(target: Function, method: string | symbol, param: ParamMetadata): void {
  const handler = writableHandlerMetadata(target, method);
  handler.params = handler.params.filter((p) => p.index !== param.index).concat(param);
}

/** Appends values to a class-level or method-level extension list. */
export function appendExtra(
  target: Function,
  method: string | symbol | undefined,
  feature: string,
  values: unknown[],
): void {
  const owner =
    method === undefined ? writableClassMetadata(target) : writableHandlerMetadata(target, method);
  owner.extras[feature] = [...(owner.extras[feature] ?? []), ...values];
}

/**
 * Parameter types of a handler: those emitted by `emitDecoratorMetadata`, overridden by explicit ones
 * (`@Payload(SayDto)`). Throws, naming the method and parameter, when a payload parameter has neither.
 */
export function getParamTypes(prototype: object, method: string): unknown[] {
  ensureReflect();
  const declared = Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined;
  const owner = (prototype as { constructor: Function }).constructor;
  const params = readClassMetadata(owner)?.handlers[method]?.params ?? [];
  const types = [...(declared ?? [])];
  for (const param of params) {
    if (param.type !== undefined) types[param.index] = param.type;
    else if (declared === undefined && param.kind === 'payload' && param.payload?.validate !== false) {
      throw new MissingMetadataError(
        `${owner.name}.${method}(): the @Payload(${param.name === undefined ? '' : `'${param.name}'`}) parameter #${param.index} has no type: ` +
          'this code was compiled without decorator metadata (esbuild, tsx and Vitest emit none). ' +
          `Name the type, as in ${param.name === undefined ? '@Payload(SayDto)' : `@Payload('${param.name}', { type: String })`}, ` +
          'or pass { validate: false } for any JSON, or compile with tsc or swc and emitDecoratorMetadata.',
      );
    }
  }
  return types;
}

/** A decorated class needs type information the compiler did not emit, and none was given. */
export class MissingMetadataError extends Error {
  override name = 'MissingMetadataError';
}

// tsyringe's key for `@inject(token)` on constructor parameters (tsyringe/src/reflection-helpers.ts);
// read only to tell whether every parameter has a token. Were it renamed, the worst case is a
// start-up error asking for the `inject` option that the user's `@inject` already covers.
const TSYRINGE_INJECTION_TOKENS = 'injectionTokens';

/**
 * Gives a class its constructor tokens: `inject` when given (as `design:paramtypes`, which tsyringe
 * reads), else checks that the compiler emitted them or `@inject(token)` names every parameter.
 */
export function ensureConstructorTokens(
  target: Function,
  inject: readonly unknown[] | undefined,
  what: string,
): void {
  ensureReflect();
  if (inject !== undefined) {
    Reflect.defineMetadata('design:paramtypes', [...inject], target);
    return;
  }
  if (target.length === 0 || Reflect.getMetadata('design:paramtypes', target) !== undefined) return;
  const tokens =
    (Reflect.getOwnMetadata(TSYRINGE_INJECTION_TOKENS, target) as Record<string, unknown> | undefined) ?? {};
  for (let index = 0; index < target.length; index++) {
    if (!(index in tokens)) {
      throw new MissingMetadataError(
        `${target.name}: constructor parameter #${index} has no type: this code was compiled without decorator metadata ` +
          `(esbuild, tsx and Vitest emit none). List the tokens, as in ${what}, or put @inject(Token) on each ` +
          'constructor parameter, or compile with tsc or swc and emitDecoratorMetadata.',
      );
    }
  }
}

/** Declared type of a property (`design:type`). */
export function getPropertyType(prototype: object, property: string): unknown {
  ensureReflect();
  return Reflect.getMetadata('design:type', prototype, property) as unknown;
}

/** Declared return type of a method (`design:returntype`); `undefined` for void or unannotated methods. */
export function getReturnType(prototype: object, method: string): unknown {
  ensureReflect();
  return Reflect.getMetadata('design:returntype', prototype, method) as unknown;
}
