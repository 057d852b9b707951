/**
 * @module validation/fast-transform
 * `plainToInstance` for the common case, without its per-call machinery (and without its key
 * de-duplication, quadratic in the number of keys): a DTO whose only class-transformer decorator is
 * `@Type` becomes `new Dto()` with the payload's keys copied by class-transformer's own rules, untyped
 * plain values deep-copied the way it copies them, typed ones converted (nested objects and arrays of
 * them become instances of their classes: typed-properties). Anything unusual returns `undefined`, and
 * the caller uses class-transformer itself.
 */
import type { TransformerStorage } from './transformer-internals';
import { BAIL, compileTypedProperty, isBuiltIn, type ClassTransform, type TypedProperty } from './typed-properties';

/** Builds the instance, or returns `undefined` when class-transformer must do it. */
export type FastTransform = (value: object) => object | undefined;

/** Every class of `type`'s chain, itself first. */
export function ancestry(type: Function): Function[] {
  const chain: Function[] = [];
  for (let current: unknown = type; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.push(current as Function);
  }
  return chain;
}

/** True when class-transformer has no metadata on `dto` beyond `@Type`: no exposure, exclusion or `@Transform`. */
export function isPlainDto(storage: TransformerStorage, dto: Function): boolean {
  if (storage.getExposedMetadatas(dto).length > 0 || storage.getExcludedMetadatas(dto).length > 0) return false;
  for (const type of ancestry(dto)) {
    if (storage._transformMetadatas.has(type)) return false;
    if (storage.getStrategy(type) !== 'none') return false;
  }
  return true;
}

// Nested plain objects become `{}` copies, which skip the names Object.prototype defines (its methods,
// `constructor`, `__proto__`), as class-transformer does.
const OBJECT_SKIPPED = new Set(Object.getOwnPropertyNames(Object.prototype));

// Copies a JSON value the way class-transformer copies an untyped one; BAIL on anything not from JSON.
function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? BAIL : value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copy(value[i]);
      if (item === BAIL) return BAIL;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return BAIL;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    // class-transformer takes an own `constructor` for the class of an untyped object (and throws)
    if (key === 'constructor') return BAIL;
    if (OBJECT_SKIPPED.has(key)) continue;
    const item = copy(source[key]);
    if (item === BAIL) return BAIL;
    if (item !== undefined) out[key] = item;
  }
  return out;
}

// One class: `new type()`, then the payload's keys by class-transformer's rules, typed ones converted.
function compileClass(
  storage: TransformerStorage,
  type: new () => object,
  transforms: (type: Function) => ClassTransform | undefined,
  eligible: (type: Function) => boolean,
): ClassTransform | undefined {
  if (!isPlainDto(storage, type)) return undefined;
  const typed = new Map<string, TypedProperty>();
  for (const owner of ancestry(type)) {
    for (const name of storage._typeMetadatas.get(owner)?.keys() ?? []) {
      if (typed.has(name)) continue;
      const property = compileTypedProperty(storage, type, name, transforms, copy);
      if (property === undefined) return undefined;
      // The class `@Type(() => X)` names, resolved now so a DTO the fast path cannot build is known at start-up.
      if (property.expected !== undefined && !eligible(property.expected)) return undefined;
      typed.set(name, property.convert);
    }
  }
  // class-transformer skips keys the class's own prototype defines without a setter (methods, getters).
  const skipped = new Set<string>(['__proto__', 'constructor']);
  for (const key of Object.getOwnPropertyNames(type.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(type.prototype, key);
    if (descriptor && !descriptor.set) skipped.add(key);
  }
  return (value) => {
    const source = value as Record<string, unknown>;
    const instance = new type() as Record<string, unknown>;
    for (const key in source) {
      if (!Object.prototype.hasOwnProperty.call(source, key) || skipped.has(key) || typeof instance[key] === 'function') continue;
      const property = typed.get(key);
      if (property === undefined) {
        const item = copy(source[key]);
        if (item === BAIL) return BAIL;
        if (item !== undefined) instance[key] = item;
      } else {
        const item = property(instance, source, key);
        if (item === BAIL) return BAIL;
        instance[key] = item;
      }
    }
    return instance;
  };
}

/**
 * Compiles the fast transform of a DTO class, or `undefined` when it (or a class its `@Type`s name)
 * has class-transformer metadata the fast path does not mirror. Each class is compiled once.
 */
export function compileFastTransform(storage: TransformerStorage, dto: new () => object): FastTransform | undefined {
  const compiled = new Map<Function, ClassTransform | undefined>();
  const compiling = new Set<Function>();
  const transforms = (type: Function): ClassTransform | undefined => {
    if (compiled.has(type)) return compiled.get(type);
    if (compiling.has(type)) return undefined;
    compiling.add(type);
    // A class that reaches itself (a tree) counts as eligible while its own compilation is running.
    const eligible = (other: Function): boolean => compiling.has(other) || transforms(other) !== undefined;
    const transform = isBuiltIn(type) ? undefined : compileClass(storage, type as new () => object, transforms, eligible);
    compiling.delete(type);
    compiled.set(type, transform);
    return transform;
  };
  const root = transforms(dto);
  if (root === undefined) return undefined;
  return (value) => {
    const instance = root(value);
    return instance === BAIL ? undefined : instance;
  };
}
