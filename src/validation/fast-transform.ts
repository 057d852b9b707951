/**
 * @module validation/fast-transform
 * `plainToInstance` for the common case, without its per-call machinery (and without its key
 * de-duplication, quadratic in the number of keys): a DTO that carries no class-transformer decorator
 * becomes `new Dto()` with the payload's keys copied by class-transformer's own rules, nested plain
 * values deep-copied the way it copies them. Anything unusual returns `undefined`, and the caller uses
 * class-transformer itself.
 */
import type { TransformerStorage } from './transformer-internals';

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

/** True when class-transformer treats every key of a payload for `dto` as a plain copy. */
export function isPlainDto(storage: TransformerStorage, dto: Function): boolean {
  if (storage.getExposedMetadatas(dto).length > 0 || storage.getExcludedMetadatas(dto).length > 0) return false;
  for (const type of ancestry(dto)) {
    if (storage._typeMetadatas.has(type) || storage._transformMetadatas.has(type)) return false;
    if (storage.getStrategy(type) !== 'none') return false;
  }
  return true;
}

// Nested plain objects become `{}` copies, which skip the names Object.prototype defines (its methods,
// `constructor`, `__proto__`), as class-transformer does.
const OBJECT_SKIPPED = new Set(Object.getOwnPropertyNames(Object.prototype));

const BAIL = Symbol('bail');

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
    if (!Object.prototype.hasOwnProperty.call(source, key) || OBJECT_SKIPPED.has(key)) continue;
    const item = copy(source[key]);
    if (item === BAIL) return BAIL;
    if (item !== undefined) out[key] = item;
  }
  return out;
}

/** Compiles the fast transform of a DTO class, or `undefined` when it has class-transformer metadata. */
export function compileFastTransform(storage: TransformerStorage, dto: new () => object): FastTransform | undefined {
  if (!isPlainDto(storage, dto)) return undefined;
  // class-transformer skips keys the class's own prototype defines without a setter (methods, getters).
  const skipped = new Set<string>(['__proto__', 'constructor']);
  for (const key of Object.getOwnPropertyNames(dto.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(dto.prototype, key);
    if (descriptor && !descriptor.set) skipped.add(key);
  }
  return (value) => {
    const source = value as Record<string, unknown>;
    const instance = new dto() as Record<string, unknown>;
    for (const key in source) {
      if (!Object.prototype.hasOwnProperty.call(source, key) || skipped.has(key) || typeof instance[key] === 'function') continue;
      const item = copy(source[key]);
      if (item === BAIL) return undefined;
      if (item !== undefined) instance[key] = item;
    }
    return instance;
  };
}
