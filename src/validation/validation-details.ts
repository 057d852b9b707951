/**
 * @module validation/validation-details
 * Flattens class-validator's error tree into `[{ property: 'a.b', constraints }]`.
 */
import type { ValidationError } from 'class-validator';

/** One failing property, with its dotted path (nested ones included). */
export interface ValidationDetail {
  property: string;
  constraints: Record<string, string>;
}

/** Flattens nested validation errors; array items appear as `items.0.name`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ValidationDetail[] {
  const out: ValidationDetail[] = [];
  const walk = (list: ValidationError[], prefix: string): void => {
    for (const error of list) {
      const path = prefix ? `${prefix}.${error.property}` : error.property;
      if (error.constraints) out.push({ property: path, constraints: { ...error.constraints } });
      if (error.children && error.children.length > 0) walk(error.children, path);
    }
  };
  walk(errors, parent);
  return out;
}
