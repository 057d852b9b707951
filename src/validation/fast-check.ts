/**
 * @module validation/fast-check
 * A pass-only shortcut in front of class-validator: the DTO's constraints are read once
 * (validation-plan), and a valid payload is confirmed by calling the very same constraint functions
 * directly, without the per-call metadata lookups, grouping and error objects of `validateSync`. Any
 * doubt (a failed constraint, an unknown key, a promise) answers `false`, and the caller gets the
 * errors (fast-errors, or class-validator). `each` constraints and `@ValidateNested` (objects, arrays of
 * objects, arrays of arrays) follow class-validator's rules; a nested instance is checked against the
 * constraints of its own class, planned on first sight. A class without a plan gets no shortcut (and
 * a nested one answers `false`).
 */
import type { ValidatorOptions } from 'class-validator';
import { isPromiseLike, NO_METADATA, planCache, type ClassPlan } from './validation-plan';

/** `true` when the instance certainly passes class-validator with the compiled options. */
export type FastCheck = (instance: object) => boolean;

/** Compiles the shortcut, or returns `undefined` when the DTO needs class-validator every time. */
export function compileFastCheck(dto: Function, options: ValidatorOptions): FastCheck | undefined {
  const planOf = planCache(options);
  const root = planOf(dto);
  if (root === undefined || root === NO_METADATA) return undefined;
  // The last nested class seen and its plan: arrays of one class look it up once.
  let lastType: unknown;
  let lastPlan: ClassPlan | undefined;

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
    if (type !== lastType) {
      const found = typeof type === 'function' ? planOf(type) : undefined;
      lastType = type;
      lastPlan = found === NO_METADATA ? undefined : found;
    }
    return lastPlan !== undefined && passes(lastPlan, value as Record<string, unknown>);
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
      for (const { instance, meta, each } of property.all) {
        const args = { targetName, property: property.name, object, value, constraints: meta.constraints };
        if (each && Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const valid = instance.validate(value[i], args);
            if (!valid || isPromiseLike(valid)) return false;
          }
        } else if (each && (value instanceof Set || value instanceof Map)) {
          return false;
        } else {
          const valid = instance.validate(value, args);
          if (!valid || isPromiseLike(valid)) return false;
        }
      }
      if (property.nested !== undefined && !nestedPasses(value)) return false;
    }
    return true;
  };

  return (instance) => passes(root, instance as Record<string, unknown>);
}
