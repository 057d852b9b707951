/**
 * @module asyncapi/schema-registry
 * Turns DTO classes into JSON Schemas from their class-validator metadata (read only) and their
 * declared property types, registering each class once under `components.schemas`.
 */
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { getPropertyType } from '../metadata/reflection';
import { constraintSchema, notEmptySchema, type JsonSchema } from './constraint-schema';

type Class = Function & { prototype: object };

// class-transformer keeps `@Type()` records in this singleton but ships no types for its path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage };

const PRIMITIVES = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Array, { type: 'array' }],
]);

// Types that say nothing about the shape: `unknown`, `any`, `object`, promises, functions.
const OPAQUE = new Set<unknown>([undefined, null, Object, Function, Promise, Symbol, BigInt, Map, Set]);

/** The schemas of every class met so far, by unique component name. */
export class SchemaRegistry {
  /** `components.schemas` of the document. */
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly names = new Map<Function, string>();

  /** A schema for a declared type (`design:type` / `design:paramtypes` entry), or `undefined` if unknown. */
  forType(type: unknown): JsonSchema | undefined {
    const primitive = PRIMITIVES.get(type);
    if (primitive) return { ...primitive };
    if (OPAQUE.has(type) || typeof type !== 'function') return undefined;
    return this.ref(type as Class);
  }

  /** A `$ref` to the schema of a class, building it on first use (cycles are fine). */
  ref(cls: Class): JsonSchema {
    let name = this.names.get(cls);
    if (name === undefined) {
      name = this.uniqueName(cls.name || 'Anonymous');
      this.names.set(cls, name);
      this.schemas[name] = {}; // reserve first: a self-referencing DTO must find its own name
      this.schemas[name] = this.build(cls);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.-]/g, '_');
    let name = clean;
    for (let n = 2; name in this.schemas; n++) name = `${clean}${n}`;
    return name;
  }

  private build(cls: Class): JsonSchema {
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false)) {
      const list = byProperty.get(meta.propertyName) ?? [];
      list.push(meta);
      byProperty.set(meta.propertyName, list);
    }
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [property, metas] of byProperty) {
      properties[property] = this.property(cls, property, metas);
      if (!metas.some((m) => m.type === 'conditionalValidation')) required.push(property);
    }
    // The framework rejects unknown properties by default (`forbidNonWhitelisted`).
    const schema: JsonSchema = { type: 'object', title: cls.name, properties, additionalProperties: false };
    if (required.length > 0) schema.required = required;
    return schema;
  }

  private property(cls: Class, property: string, metas: ValidationMetadata[]): JsonSchema {
    const declared = getPropertyType(cls.prototype, property);
    const isArray = declared === Array || metas.some((m) => m.each || m.name === 'isArray' || m.name?.startsWith('array') === true);
    const item: JsonSchema = {};
    const own: JsonSchema = isArray ? { type: 'array' } : {};
    const unsupported: string[] = [];
    // Type-defining constraints first so that `isNotEmpty` knows whether it is about a string.
    const ordered = [...metas].sort((a, b) => rank(a) - rank(b));
    for (const meta of ordered) {
      const target = meta.each ? item : own;
      if (meta.type === 'nestedValidation') {
        const nested = nestedClass(cls, property, declared);
        if (nested) Object.assign(isArray ? item : own, this.ref(nested));
        else if (!isArray) own.type = 'object';
        continue;
      }
      if (meta.type !== 'customValidation' || meta.name === undefined) continue;
      const keywords = meta.name === 'isNotEmpty' ? notEmptySchema(target.type ? target : this.forType(declared) ?? {}) : constraintSchema(meta.name, meta.constraints);
      if (keywords) Object.assign(target, keywords);
      else unsupported.push(meta.name);
    }
    if (own.type === undefined && own.$ref === undefined) Object.assign(own, this.declaredSchema(cls, property, declared) ?? {});
    if (isArray && Object.keys(item).length > 0) own.items = item;
    if (unsupported.length > 0) own.description = `Also checked: ${unsupported.join(', ')}`;
    return own;
  }

  // Properties without a type constraint take their declared type; nested classes via `@Type`.
  private declaredSchema(cls: Class, property: string, declared: unknown): JsonSchema | undefined {
    if (declared === Array || OPAQUE.has(declared)) return undefined;
    const nested = nestedClass(cls, property, declared);
    return nested ? this.ref(nested) : this.forType(declared);
  }
}

function rank(meta: ValidationMetadata): number {
  return meta.name === 'isNotEmpty' ? 1 : 0;
}

/** The class of a nested property: class-transformer's `@Type(() => X)`, else `design:type` when it is a class. */
function nestedClass(cls: Class, property: string, declared: unknown): Class | undefined {
  const typeMeta = defaultMetadataStorage.findTypeMetadata(cls, property);
  const fromTransformer = typeMeta?.typeFunction?.() as unknown;
  if (typeof fromTransformer === 'function' && !PRIMITIVES.has(fromTransformer) && !OPAQUE.has(fromTransformer)) return fromTransformer as Class;
  if (typeof declared === 'function' && !PRIMITIVES.has(declared) && !OPAQUE.has(declared)) return declared as Class;
  return undefined;
}
