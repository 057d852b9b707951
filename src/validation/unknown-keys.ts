/**
 * @module validation/unknown-keys
 * Under `whitelist` + `forbidNonWhitelisted`, finds the payload keys class-validator is certain to
 * reject, before class-transformer runs: a key no validation decorator names, that class-transformer
 * would copy onto the instance unchanged. Keys it might rename, drop or skip (decorated for
 * class-transformer, defined by the class or its prototype chain) are left to the libraries.
 */
import { getMetadataStorage, ValidationError, type ValidatorOptions } from 'class-validator';
import { ancestry } from './fast-transform';
import type { TransformerStorage } from './transformer-internals';

/** The keys certain to fail the whitelist, or `undefined` when there are none. */
export type UnknownKeys = (value: object) => string[] | undefined;

function transformerKeys(storage: TransformerStorage, dto: Function): Set<string> {
  const keys = new Set<string>();
  for (const meta of [...storage.getExposedMetadatas(dto), ...storage.getExcludedMetadatas(dto)]) {
    if (meta.propertyName !== undefined) keys.add(meta.propertyName);
    if (meta.options?.name !== undefined) keys.add(meta.options.name);
  }
  for (const type of ancestry(dto)) {
    for (const key of storage._typeMetadatas.get(type)?.keys() ?? []) keys.add(key);
    for (const key of storage._transformMetadatas.get(type)?.keys() ?? []) keys.add(key);
  }
  return keys;
}

/** Compiles the finder, or `undefined` when it cannot be sure (other options, class-level exposure). */
export function compileUnknownKeys(storage: TransformerStorage, dto: new () => object, options: ValidatorOptions): UnknownKeys | undefined {
  if (!options.whitelist || !options.forbidNonWhitelisted) return undefined;
  if (ancestry(dto).some((type) => storage.getStrategy(type) !== 'none')) return undefined;
  // The same query class-validator makes for its whitelist.
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', options.always ?? false, options.strictGroups ?? false, options.groups);
  const allowed = new Set(metas.map((m) => m.propertyName));
  const unsure = transformerKeys(storage, dto);
  unsure.add('__proto__');
  unsure.add('constructor');
  let sample: object;
  try {
    sample = new dto(); // what class-transformer builds too; its initialised fields are left to the libraries
  } catch {
    return undefined;
  }
  for (const key of Object.keys(sample)) unsure.add(key);
  const prototype = dto.prototype as object;
  return (value) => {
    let unknown: string[] | undefined;
    for (const key in value) {
      if (allowed.has(key) || unsure.has(key) || key in prototype || !Object.prototype.hasOwnProperty.call(value, key)) continue;
      (unknown ??= []).push(key);
    }
    return unknown;
  };
}

/** The whitelist error class-validator gives an unknown key. */
export function unknownKeyError(key: string): ValidationError {
  const error = new ValidationError();
  error.property = key;
  error.children = [];
  error.constraints = { whitelistValidation: `property ${key} should not exist` };
  return error;
}

/**
 * The errors class-validator would give the whole payload: those of the payload without its unknown
 * keys, with one whitelist error per unknown key after the leading whitelist errors (its key order).
 */
export function withUnknownKeys(errors: ValidationError[], unknown: string[]): ValidationError[] {
  let lead = 0;
  while (lead < errors.length && errors[lead]!.constraints?.whitelistValidation !== undefined) lead++;
  const reported = new Set(errors.slice(0, lead).map((e) => e.property));
  const added = unknown.filter((key) => !reported.has(key)).map(unknownKeyError);
  return [...errors.slice(0, lead), ...added, ...errors.slice(lead)];
}
