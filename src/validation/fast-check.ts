/**
 * @module validation/fast-check
 * A pass-only shortcut in front of class-validator: the DTO's constraints are read once, and a valid
 * payload is confirmed by calling the very same constraint functions directly, without the per-call
 * metadata lookups, grouping and error objects of `validateSync`. Any doubt (a failed constraint, an
 * unknown key, a promise) answers `false`, and the caller runs class-validator, which stays the only
 * source of errors. DTOs using groups, `each`, nested or async validation get no shortcut.
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
  checks: { constraint: ConstraintInstance; constraints: unknown[] }[];
}

// class-validator's ValidationTypes values this shortcut understands.
const CUSTOM = 'customValidation';
const IS_DEFINED = 'isDefined';
const CONDITIONAL = 'conditionalValidation';
const WHITELIST = 'whitelistValidation';

function plan(dto: Function, options: ValidatorOptions): PropertyPlan[] | undefined {
  if (options.groups?.length || options.skipMissingProperties || options.skipNullProperties || options.skipUndefinedProperties) {
    return undefined;
  }
  const storage = getMetadataStorage();
  // The same query validateSync makes for this target and these options.
  const metas = storage.getTargetValidationMetadatas(dto, '', options.always ?? false, options.strictGroups ?? false, options.groups);
  if (metas.length === 0) return undefined;
  const properties = new Map<string, PropertyPlan>();
  for (const meta of metas) {
    if (meta.groups?.length || meta.each || meta.validateIf) return undefined;
    let property = properties.get(meta.propertyName);
    if (!property) {
      property = { name: meta.propertyName, conditions: [], checks: [] };
      properties.set(meta.propertyName, property);
    }
    switch (meta.type) {
      case WHITELIST:
        break;
      case CONDITIONAL:
        property.conditions.push(meta.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case CUSTOM:
      case IS_DEFINED:
        for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
          if (constraint.async) return undefined;
          property.checks.push({ constraint: constraint.instance as ConstraintInstance, constraints: meta.constraints });
        }
        break;
      default:
        return undefined; // nested, promise, or a type added by a later class-validator
    }
  }
  return [...properties.values()];
}

/** Compiles the shortcut, or returns `undefined` when the DTO needs class-validator every time. */
export function compileFastCheck(dto: Function, options: ValidatorOptions): FastCheck | undefined {
  const properties = plan(dto, options);
  if (!properties) return undefined;
  const allowed = options.whitelist ? new Set(properties.map((p) => p.name)) : undefined;
  const targetName = dto.name;
  return (instance) => {
    const object = instance as Record<string, unknown>;
    if (allowed !== undefined) {
      for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key) && !allowed.has(key)) return false;
    }
    for (const property of properties) {
      const value = object[property.name];
      let applies = true;
      for (const condition of property.conditions) if (!condition(object, value)) applies = false;
      if (!applies) continue;
      for (const { constraint, constraints } of property.checks) {
        const valid = constraint.validate(value, { targetName, property: property.name, object, value, constraints });
        if (!valid || typeof (valid as { then?: unknown }).then === 'function') return false;
      }
    }
    return true;
  };
}
