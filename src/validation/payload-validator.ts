/**
 * @module validation/payload-validator
 * Compiles, once per parameter, the function that turns a raw payload into the handler's argument:
 * a validated DTO instance, a type-checked primitive, or the payload unchanged.
 */
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import { getPropertyType } from '../metadata/reflection';
import { flattenValidationErrors, type ValidationDetail } from './validation-details';
import { boundText, MAX_QUOTED_INPUT } from '../util/bounded-text';
import { withUnknownKeys } from './unknown-keys';
import { validatorStrategy, type ValidatorStrategy } from './validator-strategy';

/** Turns a raw value into an argument; throws (or rejects with) VALIDATION_FAILED. */
export type PayloadConverter = (value: unknown) => unknown;

/** Defaults: unknown properties are rejected, and no values are echoed back in errors. */
export const DEFAULT_VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
};

const PASS_THROUGH = new Set<unknown>([undefined, Object, Function, Promise, Symbol, BigInt, Map, Set, Date]);

const identity: PayloadConverter = (value) => value;

const asyncConverters = new WeakSet<PayloadConverter>();

/** Whether a converter checks nothing (the value passes unchanged). */
export function isPassThrough(converter: PayloadConverter): boolean {
  return converter === identity;
}

/** Whether a converter returns a promise (its DTO has async constraints). */
export function isAsyncConverter(converter: PayloadConverter): boolean {
  return asyncConverters.has(converter);
}

/** The error a failed validation sends. */
export function validationFailed(details: ValidationDetail[]): WsException {
  return new WsException(ErrorCodes.VALIDATION_FAILED, 'Payload validation failed', { details: details.map(boundDetail) });
}

// Property names are the client's keys: an error quotes at most 128 characters of one (and a message,
// which quotes the key too, at most 256), so a long key is not sent back twice over.
function boundDetail(detail: ValidationDetail): ValidationDetail {
  const { property, constraints } = detail;
  let long = property.length > MAX_QUOTED_INPUT;
  for (const key in constraints) if ((constraints[key] as string).length > 2 * MAX_QUOTED_INPUT) long = true;
  if (!long) return detail;
  const bounded: Record<string, string> = {};
  for (const key in constraints) bounded[boundText(key)] = boundText(constraints[key] as string, 2 * MAX_QUOTED_INPUT);
  return { property: boundText(property), constraints: bounded };
}

function typeCheck(expected: string, constraint: string, label: string): PayloadConverter {
  return (value) => {
    if (typeof value === expected && (expected !== 'number' || !Number.isNaN(value))) return value;
    throw validationFailed([{ property: label, constraints: { [constraint]: `${label || 'payload'} must be a ${expected}` } }]);
  };
}

function hasValidationMetadata(dto: Function): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false).length > 0;
}

// The classes class-transformer gives a nested property: its declared type, and what `@Type` makes of an
// object and of an array's item (design:type of an array property is only `Array`). Asked through the
// public API with two sample payloads, so it holds on either strategy.
function nestedClasses(dto: Function, property: string): Function[] {
  const found = [getPropertyType(dto.prototype as object, property)];
  for (const sample of [{}, [{}]]) {
    try {
      const built = (plainToInstance(dto as new () => object, { [property]: sample }) as Record<string, unknown>)[property];
      found.push((Array.isArray(built) ? (built[0] as object | undefined) : (built as object | undefined))?.constructor);
    } catch {
      // a constructor or @Transform that refuses the sample: the declared type is all there is
    }
  }
  return found.filter((type): type is Function => typeof type === 'function' && !PASS_THROUGH.has(type) && type !== Array);
}

// Async constraints force the async `validate`; everything else uses `validateSync` (no promise per message).
function usesAsyncConstraints(dto: Function, seen = new Set<Function>()): boolean {
  if (seen.has(dto)) return false;
  seen.add(dto);
  const storage = getMetadataStorage();
  for (const meta of storage.getTargetValidationMetadatas(dto, '', false, false)) {
    if (meta.constraintCls && storage.getTargetValidatorConstraints(meta.constraintCls).some((c) => c.async)) {
      return true;
    }
    const nested = meta.type === 'nestedValidation' ? nestedClasses(dto, meta.propertyName) : [getPropertyType(dto.prototype as object, meta.propertyName)];
    for (const type of nested) if (typeof type === 'function' && !PASS_THROUGH.has(type) && usesAsyncConstraints(type, seen)) return true;
  }
  return false;
}

/** How a DTO converter was compiled (tests pin the fast path with it). */
export interface ConverterPlan {
  strategy: ValidatorStrategy['name'];
  /** The instance is built without class-transformer when the payload allows. */
  fastTransform: boolean;
  /** A valid instance is confirmed without class-validator's error machinery. */
  fastCheck: boolean;
  /** A failing instance gets class-validator's errors without `validateSync`. */
  fastErrors: boolean;
  /** Unknown keys are refused before class-transformer runs. */
  unknownKeys: boolean;
}

const plans = new WeakMap<PayloadConverter, ConverterPlan>();

/** The plan of a DTO converter, `undefined` for other converters. */
export function converterPlan(converter: PayloadConverter): ConverterPlan | undefined {
  return plans.get(converter);
}

function dtoConverter(dto: new () => object, label: string, options: ValidatorOptions, strategy: ValidatorStrategy): PayloadConverter {
  const notObject = (): never => {
    throw validationFailed([{ property: label, constraints: { isObject: `${label || 'payload'} must be an object` } }]);
  };
  const isObject = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);
  const { toInstance, fast } = strategy.compileTransform(dto);
  const plan: ConverterPlan = { strategy: strategy.name, fastTransform: fast, fastCheck: false, fastErrors: false, unknownKeys: false };
  const planned = (converter: PayloadConverter): PayloadConverter => {
    plans.set(converter, plan);
    return converter;
  };
  if (!hasValidationMetadata(dto)) {
    // A class without validation decorators is a plain shape: transform only.
    return planned((value) => (isObject(value) ? toInstance(value) : notObject()));
  }
  const fail = (errors: ValidationError[]): never => {
    throw validationFailed(flattenValidationErrors(errors, label));
  };
  // Unknown keys are refused before class-transformer sees them: the rest of the payload (known keys
  // only, so few) is still validated, so the error lists exactly what class-validator would list.
  const findUnknown = strategy.compileUnknownKeys(dto, options);
  plan.unknownKeys = findUnknown !== undefined;
  const withoutUnknown = (value: object, unknown: string[]): object => {
    const skip = new Set(unknown);
    const known: Record<string, unknown> = {};
    for (const key in value) if (!skip.has(key) && Object.prototype.hasOwnProperty.call(value, key)) known[key] = (value as Record<string, unknown>)[key];
    return toInstance(known);
  };
  if (usesAsyncConstraints(dto)) {
    const converter: PayloadConverter = async (value) => {
      if (!isObject(value)) return notObject();
      const unknown = findUnknown?.(value);
      if (unknown !== undefined) return fail(withUnknownKeys(await validate(withoutUnknown(value, unknown), options), unknown));
      const instance = toInstance(value);
      const errors = await validate(instance, options);
      return errors.length > 0 ? fail(errors) : instance;
    };
    asyncConverters.add(converter);
    return planned(converter);
  }
  const passes = strategy.compileCheck(dto, options);
  const errorsOf = strategy.compileErrors(dto, options);
  plan.fastCheck = passes !== undefined;
  plan.fastErrors = errorsOf !== undefined;
  // A payload the check refuses: the fast errors when they can be sure, else class-validator itself.
  const validated = (instance: object): ValidationError[] => errorsOf?.(instance) ?? validateSync(instance, options);
  return planned((value) => {
    if (!isObject(value)) return notObject();
    if (findUnknown !== undefined) {
      const unknown = findUnknown(value);
      if (unknown !== undefined) return fail(withUnknownKeys(validated(withoutUnknown(value, unknown)), unknown));
    }
    const instance = toInstance(value);
    if (passes !== undefined && passes(instance)) return instance;
    const errors = validated(instance);
    return errors.length > 0 ? fail(errors) : instance;
  });
}

/**
 * Compiles the converter for a declared parameter type.
 * @param type the `design:paramtypes` entry
 * @param label the property path used in error details ('' for the whole payload)
 * @param strategy how DTOs are transformed and validated (the probed one by default)
 */
export function compilePayloadConverter(
  type: unknown,
  label: string,
  options: ValidatorOptions | false,
  strategy: ValidatorStrategy = validatorStrategy(),
): PayloadConverter {
  if (options === false || PASS_THROUGH.has(type)) return identity;
  if (type === String) return typeCheck('string', 'isString', label);
  if (type === Number) return typeCheck('number', 'isNumber', label);
  if (type === Boolean) return typeCheck('boolean', 'isBoolean', label);
  if (type === Array) {
    return (value) => {
      if (Array.isArray(value)) return value;
      throw validationFailed([{ property: label, constraints: { isArray: `${label || 'payload'} must be an array` } }]);
    };
  }
  if (typeof type === 'function' && type.prototype) return dtoConverter(type as new () => object, label, options, strategy);
  return identity;
}
