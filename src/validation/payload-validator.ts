/**
 * @module validation/payload-validator
 * Compiles, once per parameter, the function that turns a raw payload into the handler's argument:
 * a validated DTO instance, a type-checked primitive, or the payload unchanged.
 */
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, validateSync, type ValidatorOptions } from 'class-validator';
import { ErrorCodes, WsException } from '../errors/ws-exception';
import { getPropertyType } from '../metadata/reflection';
import { flattenValidationErrors, type ValidationDetail } from './validation-details';
import { compileFastCheck } from './fast-check';
import { compileFastTransform } from './fast-transform';

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
  return new WsException(ErrorCodes.VALIDATION_FAILED, 'Payload validation failed', { details });
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

// Async constraints force the async `validate`; everything else uses `validateSync` (no promise per message).
function usesAsyncConstraints(dto: Function, seen = new Set<Function>()): boolean {
  if (seen.has(dto)) return false;
  seen.add(dto);
  const storage = getMetadataStorage();
  for (const meta of storage.getTargetValidationMetadatas(dto, '', false, false)) {
    if (meta.constraintCls && storage.getTargetValidatorConstraints(meta.constraintCls).some((c) => c.async)) {
      return true;
    }
    const nested = getPropertyType(dto.prototype as object, meta.propertyName);
    if (typeof nested === 'function' && !PASS_THROUGH.has(nested) && usesAsyncConstraints(nested, seen)) return true;
  }
  return false;
}

function dtoConverter(dto: new () => object, label: string, options: ValidatorOptions): PayloadConverter {
  const notObject = (): never => {
    throw validationFailed([{ property: label, constraints: { isObject: `${label || 'payload'} must be an object` } }]);
  };
  // Both shortcuts are compiled once and fall back to class-transformer / class-validator on any doubt.
  const fastTransform = compileFastTransform(dto);
  const toInstance = fastTransform
    ? (value: object): object => fastTransform(value) ?? plainToInstance(dto, value)
    : (value: object): object => plainToInstance(dto, value);
  if (!hasValidationMetadata(dto)) {
    // A class without validation decorators is a plain shape: transform only.
    return (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? toInstance(value) : notObject());
  }
  const fail = (errors: Parameters<typeof flattenValidationErrors>[0]): never => {
    throw validationFailed(flattenValidationErrors(errors, label));
  };
  if (usesAsyncConstraints(dto)) {
    const converter: PayloadConverter = async (value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return notObject();
      const instance = toInstance(value);
      const errors = await validate(instance, options);
      return errors.length > 0 ? fail(errors) : instance;
    };
    asyncConverters.add(converter);
    return converter;
  }
  const passes = compileFastCheck(dto, options);
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return notObject();
    const instance = toInstance(value);
    if (passes !== undefined && passes(instance)) return instance;
    const errors = validateSync(instance, options);
    return errors.length > 0 ? fail(errors) : instance;
  };
}

/**
 * Compiles the converter for a declared parameter type.
 * @param type the `design:paramtypes` entry
 * @param label the property path used in error details ('' for the whole payload)
 */
export function compilePayloadConverter(
  type: unknown,
  label: string,
  options: ValidatorOptions | false,
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
  if (typeof type === 'function' && type.prototype) return dtoConverter(type as new () => object, label, options);
  return identity;
}
