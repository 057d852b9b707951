/**
 * @module validation/fast-check
 * A pass-only shortcut in front of class-validator: the DTO's constraints are read once, and a valid
 * payload is confirmed by calling the very same constraint functions directly, without the per-call
 * metadata lookups, grouping and error objects of `validateSync`. Any doubt (a failed constraint, an
 * unknown key, a promise) answers `false`, and the caller runs class-validator, which stays the only
 * source of errors. `each` constraints and `@ValidateNested` (objects, arrays of objects, arrays of
 * arrays) follow class-validator's rules; a nested instance is checked against the constraints of its
 * own class, compiled on first sight. DTOs using groups, per-constraint `validateIf`, async or promise
 * validation get no shortcut (and a nested class using them answers `false`).
 */
import { getMetadataStorage, type ValidationArguments, type ValidatorOptions } from 'class-validator';

/** `true` when the instance certainly passes class-validator with the compiled options. */
export type FastCheck = (instance: object) => boolean;

interface ConstraintInstance {
  validate(value: unknown, args: ValidationArguments): unknown;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: { constraint: ConstraintInstance; constraints: unknown[]; each: boolean }[];
  /** `@ValidateNested`: the value's objects are validated against their own classes. */
  nested: boolean;
}

interface ClassPlan {
  targetName: string;
  properties: PropertyPlan[];
  /** Under `whitelist`, the only keys an instance may have. */
  allowed: Set<string> | undefined;
}

// class-validator's ValidationTypes values this shortcut understands.
const CUSTOM = 'customValidation';
const IS_DEFINED = 'isDefined';
const CONDITIONAL = 'conditionalValidation';
const WHITELIST = 'whitelistValidation';
const NESTED = 'nestedValidation';

function plan(target: Function, options: ValidatorOptions): ClassPlan | undefined {
  if (options.groups?.length || options.skipMissingProperties || options.skipNullProperties || options.skipUndefinedProperties) {
    return undefined;
  }
  const storage = getMetadataStorage();
  // The same query validateSync makes for this target and these options.
  const metas = storage.getTargetValidationMetadatas(target, '', options.always ?? false, options.strictGroups ?? false, options.groups);
  if (metas.length === 0) return undefined; // class-validator's unknownValue error (or, with it off, no checks at all)
  const properties = new Map<string, PropertyPlan>();
  for (const meta of metas) {
    if (meta.groups?.length || meta.validateIf) return undefined;
    let property = properties.get(meta.propertyName);
    if (!property) {
      property = { name: meta.propertyName, conditions: [], checks: [], nested: false };
      properties.set(meta.propertyName, property);
    }
    switch (meta.type) {
      case WHITELIST:
        break;
      case CONDITIONAL:
        property.conditions.push(meta.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case NESTED:
        property.nested = true; // `each` changes only the message: arrays are walked either way
        break;
      case CUSTOM:
      case IS_DEFINED:
        for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
          if (constraint.async) return undefined;
          property.checks.push({ constraint: constraint.instance as ConstraintInstance, constraints: meta.constraints, each: meta.each === true });
        }
        break;
      default:
        return undefined; // promise validation, or a type added by a later class-validator
    }
  }
  const list = [...properties.values()];
  return { targetName: target.name, properties: list, allowed: options.whitelist ? new Set(list.map((p) => p.name)) : undefined };
}

function isPromiseLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Compiles the shortcut, or returns `undefined` when the DTO needs class-validator every time. */
export function compileFastCheck(dto: Function, options: ValidatorOptions): FastCheck | undefined {
  const root = plan(dto, options);
  if (!root) return undefined;
  // Plans of the classes nested instances have, by constructor (only classes the transform builds).
  const plans = new Map<Function, ClassPlan | null>([[dto, root]]);
  const planOf = (type: Function): ClassPlan | null => {
    let found = plans.get(type);
    if (found === undefined) plans.set(type, (found = plan(type, options) ?? null));
    return found;
  };

  // class-validator's nestedValidations: undefined passes, arrays are walked item by item, an object is
  // validated against its own class, anything else (null, a primitive, a Set or Map here) fails or is doubt.
  const nestedPasses = (value: unknown): boolean => {
    if (value === undefined) return true;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!nestedPasses(value[i])) return false;
      return true;
    }
    if (value === null || typeof value !== 'object' || value instanceof Set || value instanceof Map) return false;
    const type = (value as { constructor?: unknown }).constructor;
    const nested = typeof type === 'function' ? planOf(type) : null;
    return nested !== null && passes(nested, value as Record<string, unknown>);
  };

  const passes = (target: ClassPlan, object: Record<string, unknown>): boolean => {
    const { allowed, targetName } = target;
    if (allowed !== undefined) {
      for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key) && !allowed.has(key)) return false;
    }
    for (const property of target.properties) {
      const value = object[property.name];
      let applies = true;
      for (const condition of property.conditions) if (!condition(object, value)) applies = false;
      if (!applies) continue;
      for (const { constraint, constraints, each } of property.checks) {
        const args = { targetName, property: property.name, object, value, constraints };
        if (each && Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const valid = constraint.validate(value[i], args);
            if (!valid || isPromiseLike(valid)) return false;
          }
        } else if (each && (value instanceof Set || value instanceof Map)) {
          return false;
        } else {
          const valid = constraint.validate(value, args);
          if (!valid || isPromiseLike(valid)) return false;
        }
      }
      if (property.nested && !nestedPasses(value)) return false;
    }
    return true;
  };

  return (instance) => passes(root, instance as Record<string, unknown>);
}
