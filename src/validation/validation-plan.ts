/**
 * @module validation/validation-plan
 * class-validator's metadata of one class, read once into the shape its executor walks: properties in
 * the order it visits them (`groupByPropertyName`), per property its conditions, `@IsDefined`, the
 * other constraints and `@ValidateNested`. The fast check and the fast errors both run from it. A class
 * using what they do not mirror (groups, a per-decorator `validateIf`, promise or async validation,
 * two `@ValidateNested` on one property, options that skip or stop early) has no plan.
 */
import { getMetadataStorage, type ValidationArguments, type ValidatorOptions } from 'class-validator';

/** A constraint class's instance (built-in or custom). */
export interface ConstraintInstance {
  validate(value: unknown, args: ValidationArguments): unknown;
  defaultMessage?(args: ValidationArguments): string;
}

/** The fields of class-validator's `ValidationMetadata` read here. */
export interface MetadataFields {
  type: string;
  target: Function | string;
  propertyName: string;
  constraints: unknown[];
  message?: string | ((args: ValidationArguments) => string);
  each?: boolean;
}

/** One constraint of a property: its metadata and the constraint class it runs. */
export interface ConstraintPlan {
  meta: MetadataFields;
  instance: ConstraintInstance;
  /** The key of its error (`isString`, a custom constraint's name, or the metadata type). */
  key: string;
  each: boolean;
}

/** One validated property. */
export interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  /** `@IsDefined`, run first (class-validator runs it before the other constraints). */
  defined: ConstraintPlan[];
  checks: ConstraintPlan[];
  /** `defined` then `checks`, the order class-validator runs them in. */
  all: ConstraintPlan[];
  /** `@ValidateNested`: the value's objects are validated against their own classes. */
  nested: MetadataFields | undefined;
}

/** A class's plan. */
export interface ClassPlan {
  targetName: string;
  properties: PropertyPlan[];
  /** Under `whitelist`, the only keys an instance may have. */
  allowed: Set<string> | undefined;
  /** class-validator's grouping (a plain object: its whitelist test reads inherited names too, see `whitelisted`). */
  grouped: Record<string, unknown[]>;
}

/**
 * class-validator's whitelist test, quirk included: it looks the key up in a plain object, so a key
 * such as `hasOwnProperty` finds the inherited method (whose `length` is 1) and passes.
 */
export function whitelisted(grouped: Record<string, unknown[]>, key: string): boolean {
  const found = grouped[key];
  return !(!found || found.length === 0);
}

/** A class without validation metadata: class-validator's `unknownValue` error, or no checks at all. */
export const NO_METADATA = 'no metadata';

// class-validator's ValidationTypes values mirrored here.
const CUSTOM = 'customValidation';
const IS_DEFINED = 'isDefined';
const CONDITIONAL = 'conditionalValidation';
const WHITELIST = 'whitelistValidation';
const NESTED = 'nestedValidation';

/** Whether the options leave the walk as the plans mirror it (nothing skipped, no groups, every message). */
export function plannable(options: ValidatorOptions): boolean {
  return !(
    options.groups?.length ||
    options.skipMissingProperties ||
    options.skipNullProperties ||
    options.skipUndefinedProperties ||
    options.stopAtFirstError ||
    options.dismissDefaultMessages
  );
}

/** Reads a class's plan; `NO_METADATA` for a class without validation metadata, `undefined` when it cannot be mirrored. */
export function planClass(target: Function, options: ValidatorOptions): ClassPlan | typeof NO_METADATA | undefined {
  if (!plannable(options)) return undefined;
  const storage = getMetadataStorage();
  // The same query and grouping class-validator's executor makes for this target and these options.
  const metas = storage.getTargetValidationMetadatas(target, '', options.always ?? false, options.strictGroups ?? false, options.groups);
  if (metas.length === 0) return NO_METADATA;
  const grouped = storage.groupByPropertyName(metas);
  const properties: PropertyPlan[] = [];
  for (const name of Object.keys(grouped)) {
    const property: PropertyPlan = { name, conditions: [], defined: [], checks: [], all: [], nested: undefined };
    for (const meta of grouped[name]!) {
      if (meta.groups?.length || meta.validateIf) return undefined;
      switch (meta.type) {
        case WHITELIST:
          break;
        case CONDITIONAL:
          property.conditions.push(meta.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case NESTED:
          if (property.nested !== undefined) return undefined; // two of them validate the value twice
          property.nested = meta as MetadataFields; // `each` changes only the message: arrays are walked either way
          break;
        case CUSTOM:
        case IS_DEFINED:
          for (const constraint of storage.getTargetValidatorConstraints(meta.constraintCls)) {
            if (constraint.async) return undefined;
            (meta.type === IS_DEFINED ? property.defined : property.checks).push({
              meta: meta as MetadataFields,
              instance: constraint.instance as ConstraintInstance,
              key: constraint.name || meta.type,
              each: meta.each === true,
            });
          }
          break;
        default:
          return undefined; // promise validation, or a type added by a later class-validator
      }
    }
    property.all = [...property.defined, ...property.checks];
    properties.push(property);
  }
  return { targetName: target.name, properties, allowed: options.whitelist ? new Set(Object.keys(grouped)) : undefined, grouped };
}

/** Plans by constructor, each read on first sight (only classes the transform builds reach it). */
export function planCache(options: ValidatorOptions): (type: Function) => ClassPlan | typeof NO_METADATA | undefined {
  const plans = new Map<Function, ClassPlan | typeof NO_METADATA | undefined>();
  return (type) => {
    if (plans.has(type)) return plans.get(type);
    const plan = planClass(type, options);
    plans.set(type, plan);
    return plan;
  };
}

/** class-validator's test for a promise result (a sync validator returning one is not awaited by `validateSync`). */
export function isPromiseLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
