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
export function appendExtra(target: Function, method: string | symbol | undefined, feature: string, values: unknown[]): void {
  const owner = method === undefined ? writableClassMetadata(target) : writableHandlerMetadata(target, method);
  owner.extras[feature] = [...(owner.extras[feature] ?? []), ...values];
}

/** Declared parameter types of a method, as emitted by `emitDecoratorMetadata`. */
export function getParamTypes(prototype: object, method: string): unknown[] {
  ensureReflect();
  return (Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined) ?? [];
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
