/**
 * @module validation/typed-properties
 * The `@Type` part of the fast transform: what class-transformer does with a property that carries a
 * type, read from its metadata once per class. A nested object becomes an instance of the type's class
 * (built by that class's own fast transform), an array becomes an array of them, `String`, `Number`,
 * `Boolean` and `Date` convert primitives. The type function is called on every transform, with the
 * arguments class-transformer passes, so one that picks a class from the payload still picks the same
 * one. Discriminators, `Map` and `Set` properties, built-in classes other than those four, and objects
 * converted to a primitive type are left to class-transformer (`BAIL`).
 */
import type { TransformerStorage } from './transformer-internals';

/** Returned by a transform step that class-transformer must do itself. */
export const BAIL: unique symbol = Symbol('bail');
export type Bail = typeof BAIL;

/** Builds an instance of one class from a plain object (or `BAIL`). */
export type ClassTransform = (value: object) => object | Bail;

/** The fast transform of a class (cached), `undefined` for a built-in class or one with metadata the fast path does not mirror. */
export type ClassTransforms = (type: Function) => ClassTransform | undefined;

/** The fields of class-transformer's `TypeMetadata` read here. */
interface TypeMetadata {
  reflectedType?: unknown;
  typeFunction?: (options: { newObject: unknown; object: unknown; property: string }) => unknown;
  options?: { discriminator?: unknown };
}

/** Converts the value of one typed property; `instance` is the object being built (the type function sees it). */
export type TypedProperty = (instance: object, source: Record<string, unknown>, key: string) => unknown;

const PRIMITIVE_TYPES = new Set<unknown>([String, Number, Boolean, Date]);

/** Whether a class is built into the runtime (Buffer, Map, Object, Array...): class-transformer special-cases those. */
export function isBuiltIn(type: Function): boolean {
  return Function.prototype.toString.call(type).endsWith('[native code] }');
}

function convertPrimitive(value: unknown, type: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object') return BAIL; // String({...}) and friends call the client's own toString keys
  if (type === String) return String(value);
  if (type === Number) return Number(value);
  if (type === Boolean) return Boolean(value);
  return new Date(value as string | number);
}

/** class-transformer's `transform(value, type)` for one item of a typed property. */
function convertTyped(value: unknown, type: unknown, transforms: ClassTransforms, copy: (value: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = convertTyped(value[i], type, transforms, copy);
      if (item === BAIL) return BAIL;
      out.push(item);
    }
    return out;
  }
  if (PRIMITIVE_TYPES.has(type)) return convertPrimitive(value, type);
  if (type === undefined || type === null) return copy(value);
  const transform = typeof type === 'function' ? transforms(type) : undefined;
  if (transform === undefined) return BAIL;
  if (value === null || typeof value !== 'object') return value;
  return Object.getPrototypeOf(value) === Object.prototype ? transform(value) : BAIL;
}

/**
 * Compiles the conversion of `type`'s property `name` (the metadata class-transformer finds for it, own
 * or inherited), with the class it names when that is fixed; `undefined` when class-transformer must
 * handle the property.
 */
export function compileTypedProperty(
  storage: TransformerStorage,
  type: Function,
  name: string,
  transforms: ClassTransforms,
  copy: (value: unknown) => unknown,
): { convert: TypedProperty; expected?: Function } | undefined {
  const meta = storage.findTypeMetadata(type, name) as TypeMetadata | undefined;
  if (meta === undefined) return undefined;
  if (meta.options?.discriminator !== undefined || meta.reflectedType === Map) return undefined;
  const { typeFunction, reflectedType } = meta;
  // An array value gets `new reflectedType()` when that is an array-like class: only plain arrays here.
  const arrayType = typeof reflectedType === 'function' && reflectedType !== Array ? (reflectedType as new () => object) : undefined;
  const convert: TypedProperty = (instance, source, key) => {
    const target = typeFunction ? typeFunction({ newObject: instance, object: source, property: key }) : reflectedType;
    const value = source[key];
    if (Array.isArray(value) && arrayType !== undefined) {
      const made = new arrayType(); // class-transformer builds it too (and keeps it when it is a Set or has push)
      if (made instanceof Set || 'push' in made) return BAIL;
    }
    return convertTyped(value, target, transforms, copy);
  };
  return { convert, expected: staticTarget(typeFunction, reflectedType, name) };
}

// The class a type function without parameters returns (most are `() => X`), for compiling it up front.
function staticTarget(typeFunction: TypeMetadata['typeFunction'], reflectedType: unknown, name: string): Function | undefined {
  let target = reflectedType;
  if (typeFunction) {
    if (typeFunction.length > 0) return undefined;
    try {
      target = typeFunction({ newObject: {}, object: {}, property: name });
    } catch {
      return undefined;
    }
  }
  return typeof target === 'function' && !PRIMITIVE_TYPES.has(target) ? target : undefined;
}
