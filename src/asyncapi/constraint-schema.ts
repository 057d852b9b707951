/**
 * @module asyncapi/constraint-schema
 * What each class-validator constraint says in JSON Schema terms. Constraints with no JSON Schema
 * counterpart (custom validators, `isAlphanumeric`...) are listed in the property's description.
 */

/** A JSON Schema (the AsyncAPI Schema format is a superset of draft 07). */
export type JsonSchema = { [keyword: string]: unknown };

type Rule = (constraints: readonly unknown[]) => JsonSchema;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function defined(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([, v]) => v !== undefined));
}

function patternOf(value: unknown): string | undefined {
  if (value instanceof RegExp) return value.source;
  return typeof value === 'string' ? value : undefined;
}

const RULES: Record<string, Rule> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isNumberString: () => ({ type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isNotEmptyObject: () => ({ type: 'object', minProperties: 1 }),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isUrl: () => ({ type: 'string', format: 'uri' }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  isDateString: () => ({ type: 'string', format: 'date-time' }),
  isIp: () => ({ type: 'string', format: 'ipv4' }),
  isLength: ([min, max]) => defined({ minLength: num(min), maxLength: num(max) }),
  minLength: ([min]) => defined({ minLength: num(min) }),
  maxLength: ([max]) => defined({ maxLength: num(max) }),
  min: ([min]) => defined({ minimum: num(min) }),
  max: ([max]) => defined({ maximum: num(max) }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
  isNegative: () => ({ exclusiveMaximum: 0 }),
  arrayMinSize: ([min]) => defined({ minItems: num(min) }),
  arrayMaxSize: ([max]) => defined({ maxItems: num(max) }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayUnique: () => ({ uniqueItems: true }),
  matches: ([pattern]) => defined({ pattern: patternOf(pattern) }),
  isIn: ([values]) => (Array.isArray(values) ? { enum: [...values] } : {}),
  isEnum: ([, values]) => (Array.isArray(values) ? { enum: [...values] } : {}),
  equals: ([value]) => ({ const: value }),
};

/** The schema keywords of one constraint, or `undefined` when JSON Schema cannot express it. */
export function constraintSchema(name: string, constraints: readonly unknown[] | undefined): JsonSchema | undefined {
  const rule = RULES[name];
  return rule ? rule(constraints ?? []) : undefined;
}

/** `isNotEmpty` depends on the type: a non-empty string, or just a present value. */
export function notEmptySchema(schema: JsonSchema): JsonSchema {
  return schema.type === 'string' ? { minLength: Math.max(1, num(schema.minLength) ?? 0) } : {};
}
