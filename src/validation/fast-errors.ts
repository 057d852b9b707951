/**
 * @module validation/fast-errors
 * class-validator's errors for a payload the fast check refused, without `validateSync`: the same walk
 * its executor makes (unknownValue, whitelist errors then properties in its order; conditions, then
 * `@IsDefined`, then the other constraints, then nested values; items of arrays by index), on the plans
 * of validation-plan, calling the same constraint functions and `defaultMessage`s and filling the same
 * message tokens, keeping only the errors `validateSync` keeps (`stripEmptyErrors`). Nested classes are planned
 * on first sight; one without a plan (or a Set, a Map, a value without a constructor) makes the whole
 * walk give up (`undefined`), and the caller runs `validateSync`. Under whitelist without
 * forbidNonWhitelisted, unknown keys are deleted from the instances, as class-validator deletes them.
 */
import { ValidationError, type ValidationArguments, type ValidatorOptions } from 'class-validator';
import { isPromiseLike, NO_METADATA, planCache, whitelisted, type ClassPlan, type ConstraintPlan, type MetadataFields } from './validation-plan';

/** The errors `validateSync` would return, or `undefined` when it must run itself. */
export type FastErrors = (instance: object) => ValidationError[] | undefined;

const GIVE_UP = Symbol('give up');

// class-validator's constraintToString and replaceMessageSpecialTokens, step for step (the same
// String.prototype.replace calls, so `$&` in a client's value is read as it reads it).
function constraintText(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return `${constraint.description}`;
  return `${constraint as string}`;
}

function fillTokens(message: MetadataFields['message'] | '', args: ValidationArguments): string {
  let text: string | undefined;
  if (message instanceof Function) text = message(args);
  else if (typeof message === 'string') text = message;
  if (text && Array.isArray(args.constraints)) {
    args.constraints.forEach((constraint, index) => {
      text = text!.replace(new RegExp(`\\$constraint${index + 1}`, 'g'), constraintText(constraint));
    });
  }
  const { value } = args;
  if (text && value !== undefined && value !== null && ['string', 'boolean', 'number'].includes(typeof value)) {
    text = text.replace(/\$value/g, value as string);
  }
  if (text) text = text.replace(/\$property/g, args.property);
  if (text) text = text.replace(/\$target/g, args.targetName);
  return text as string;
}

function targetNameOf(object: object): string {
  return (object as { constructor?: { name: string } }).constructor ? (object as { constructor: { name: string } }).constructor.name : (undefined as unknown as string);
}

// The message of a failed constraint: its own message, else its class's defaultMessage.
function failure(object: object, value: unknown, meta: MetadataFields, constraint?: ConstraintPlan['instance']): string {
  const args: ValidationArguments = { targetName: targetNameOf(object), property: meta.propertyName, object, value, constraints: meta.constraints };
  let message: MetadataFields['message'] | '' = meta.message || '';
  if (!meta.message && constraint !== undefined && constraint.defaultMessage instanceof Function) message = constraint.defaultMessage(args);
  return fillTokens(message, args);
}

// An error is made only when it has something to say: validateSync makes one per property and item and
// then drops the empty ones (stripEmptyErrors), which leaves the same list in the same order.
function errorOf(property: string | undefined, constraints: Record<string, string> | undefined, children: ValidationError[] | undefined): ValidationError {
  const error = new ValidationError();
  error.property = property as string;
  error.children = children ?? [];
  if (constraints !== undefined) error.constraints = constraints;
  return error;
}

/** Compiles the errors of a DTO, or returns `undefined` when class-validator must produce them. */
export function compileFastErrors(dto: Function, options: ValidatorOptions): FastErrors | undefined {
  const planOf = planCache(options);
  const root = planOf(dto);
  if (root === undefined || root === NO_METADATA) return undefined;
  const forbidUnknownValues = options.forbidUnknownValues !== false;

  // The failed constraints of one value (undefined when none failed), in class-validator's order.
  const checks = (object: object, value: unknown, list: ConstraintPlan[], failed: Record<string, string> | undefined): Record<string, string> | undefined => {
    for (const { meta, instance, key, each } of list) {
      const args = (): ValidationArguments => ({ targetName: targetNameOf(object), property: meta.propertyName, object, value, constraints: meta.constraints });
      if (!each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
        const valid = instance.validate(value, args());
        if (!isPromiseLike(valid) && !valid) (failed ??= {})[key] = failure(object, value, meta, instance);
        continue;
      }
      if (!Array.isArray(value)) throw GIVE_UP;
      const shared = args();
      const results = value.map((item) => instance.validate(item, shared));
      if (results.some(isPromiseLike)) continue; // awaited only by the async validate
      if (!results.every((valid) => valid)) (failed ??= {})[key] = failure(object, value, meta, instance);
    }
    return failed;
  };

  // nestedValidations: pushes the value's errors to `children`; returns its own constraint, if any.
  const nested = (value: unknown, meta: MetadataFields, children: ValidationError[]): Record<string, string> | undefined => {
    if (value === undefined) return undefined;
    if (value instanceof Set || value instanceof Map) throw GIVE_UP;
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index: number) => {
        const itemChildren: ValidationError[] = [];
        const own = nested(item, meta, itemChildren);
        if (own !== undefined || itemChildren.length > 0) children.push(errorOf(index.toString(), own, itemChildren));
      });
      return undefined;
    }
    if (value instanceof Object) {
      execute(value, children);
      return undefined;
    }
    // class-validator passes the decorated class as the object here (its targetName is 'Function').
    return { [meta.type]: failure(meta.target as object, value, meta) };
  };

  const execute = (object: object, errors: ValidationError[]): void => {
    const type = (object as { constructor?: unknown }).constructor;
    const plan: ClassPlan | typeof NO_METADATA | undefined = typeof type === 'function' ? planOf(type) : undefined;
    if (plan === undefined) throw GIVE_UP;
    if (plan === NO_METADATA && forbidUnknownValues) {
      errors.push(errorOf(undefined, { unknownValue: 'an unknown value was passed to the validate function' }, []));
      return;
    }
    const record = object as Record<string, unknown>;
    if (options.whitelist) {
      const grouped = plan === NO_METADATA ? {} : plan.grouped;
      for (const key of Object.keys(record)) {
        if (whitelisted(grouped, key)) continue;
        if (options.forbidNonWhitelisted) {
          const error = errorOf(key, { whitelistValidation: `property ${key} should not exist` }, undefined);
          error.children = undefined as unknown as ValidationError[]; // as class-validator leaves them
          errors.push(error);
        } else {
          delete record[key];
        }
      }
    }
    if (plan === NO_METADATA) return;
    for (const property of plan.properties) {
      const value = record[property.name];
      let applies = true;
      for (const condition of property.conditions) applies = condition(object, value) && applies;
      if (!applies) continue;
      let failed = checks(object, value, property.all, undefined);
      const children: ValidationError[] = [];
      if (property.nested !== undefined) {
        const own = nested(value, property.nested, children);
        if (own !== undefined) failed = { ...failed, ...own };
      }
      if (failed !== undefined || children.length > 0) errors.push(errorOf(property.name, failed, children));
    }
  };

  return (instance) => {
    const errors: ValidationError[] = [];
    try {
      execute(instance, errors);
    } catch (error) {
      if (error === GIVE_UP) return undefined;
      throw error;
    }
    return errors;
  };
}
