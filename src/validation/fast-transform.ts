/**
 * @module validation/fast-transform
 * `plainToInstance` for the common case, without its per-call machinery: a DTO that carries no
 * class-transformer decorator, and a payload whose values are all primitives, become
 * `Object.assign(new Dto(), payload)` with class-transformer's own rules for skipped keys.
 * Anything else returns `undefined`, and the caller uses class-transformer itself.
 */
// Brings the ambient declaration along wherever this file is compiled from source (tests, paths mappings).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a .d.ts with no runtime module cannot be imported
/// <reference path="./class-transformer-storage.d.ts" />
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';

/** Builds the instance, or returns `undefined` when class-transformer must do it. */
export type FastTransform = (value: object) => object | undefined;

function ancestry(type: Function): Function[] {
  const chain: Function[] = [];
  for (let current: unknown = type; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.push(current as Function);
  }
  return chain;
}

// True when class-transformer would treat every key of a flat payload as a plain copy.
function isPlainDto(dto: Function): boolean {
  const storage = defaultMetadataStorage;
  // Reading its maps is the only way to see @Type/@Transform for any key; if they moved, stay safe.
  if (!(storage._typeMetadatas instanceof Map) || !(storage._transformMetadatas instanceof Map)) return false;
  if (storage.getExposedMetadatas(dto).length > 0 || storage.getExcludedMetadatas(dto).length > 0) return false;
  for (const type of ancestry(dto)) {
    if (storage._typeMetadatas.has(type) || storage._transformMetadatas.has(type)) return false;
    if (storage.getStrategy(type) !== 'none') return false;
  }
  return true;
}

/** Compiles the fast transform of a DTO class, or `undefined` when it has class-transformer metadata. */
export function compileFastTransform(dto: new () => object): FastTransform | undefined {
  if (!isPlainDto(dto)) return undefined;
  // class-transformer skips keys the prototype defines without a setter (methods, getters).
  const skipped = new Set<string>();
  for (const key of Object.getOwnPropertyNames(dto.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(dto.prototype, key);
    if (descriptor && !descriptor.set) skipped.add(key);
  }
  skipped.add('__proto__');
  skipped.add('constructor');
  return (value) => {
    const source = value as Record<string, unknown>;
    const instance = new dto() as Record<string, unknown>;
    for (const key in source) {
      if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
      const item = source[key];
      if (item !== null && (typeof item === 'object' || typeof item === 'function')) return undefined;
      if (skipped.has(key) || typeof instance[key] === 'function') continue;
      instance[key] = item;
    }
    return instance;
  };
}
