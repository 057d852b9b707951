/**
 * The differential corpus: DTOs covering what class-transformer and class-validator do (flat and nested
 * shapes, arrays, conditional and optional properties, inheritance, @Transform, @Type, @Expose,
 * constraints reading `args.object`), and payload generators for each. Used against class-validator itself.
 */
import fc from 'fast-check';
import { Expose, plainToInstance, Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  validateSync,
  type ValidationArguments,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
} from 'class-validator';
import { flattenValidationErrors, type ValidationDetail } from '../../../src/validation/validation-details';

export class FlatDto {
  @IsString() @Length(1, 16) text!: string;
  @IsInt() @Min(0) n!: number;
}

export class OptionalDto {
  @IsOptional() @IsString() nickname?: string;
  @IsInt() age!: number;
  greet(): string {
    return `hi ${this.nickname ?? ''}`;
  }
  get shout(): string {
    return String(this.nickname).toUpperCase();
  }
}

export class ConditionalDto {
  @IsIn(['card', 'cash']) method!: string;
  @ValidateIf((o: ConditionalDto) => o.method === 'card') @IsString() @Length(4, 4) pin?: string;
  @IsDefined() confirmed!: unknown;
  @Allow() note?: unknown;
}

@ValidatorConstraint({ name: 'matches' })
class MatchesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const other = args.constraints[0] as string;
    return value === (args.object as Record<string, unknown>)[other];
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must match ${String(args.constraints[0])}`;
  }
}

export class ObjectArgsDto {
  @IsString() password!: string;
  @Validate(MatchesConstraint, ['password']) repeat!: string;
}

export class BaseDto {
  @IsString() id!: string;
  @IsOptional() @IsBoolean() flag?: boolean;
}

export class DerivedDto extends BaseDto {
  @IsInt() @Min(1) qty!: number;
  // Redefined: the child's constraint replaces the parent's of the same type.
  @IsOptional() @IsBoolean() override flag?: boolean;
}

export class TrimDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 8)
  name!: string;
}

export class Item {
  @IsString() label!: string;
  @IsOptional() @IsInt() count?: number;
}

export class NestedDto {
  @ValidateNested() @Type(() => Item) main!: Item;
  @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

export class ArrayDto {
  @IsArray() @ArrayMaxSize(4) @IsString({ each: true }) tags!: string[];
  @IsOptional() @IsInt({ each: true }) scores?: number[];
}

export class TypedDto {
  @Type(() => Date) @IsDate() at!: Date;
  @Type(() => Number) @IsInt() count!: number;
}

export class ExposedDto {
  @Expose({ name: 'user_name' }) @IsString() userName!: string;
  @IsInt() age!: number;
}

export class DefaultsDto {
  @IsString() mode: string = 'auto';
  @IsOptional() @IsInt() limit?: number;
}

// The chat-like DTO of the nested benchmark case: an author object and an array of items.
export class AuthorDto {
  @IsString() @Length(1, 16) id!: string;
  @IsString() @Length(1, 32) name!: string;
  @IsIn(['user', 'admin', 'bot']) role!: string;
}

export class ChatItemDto {
  @IsString() @Length(1, 80) text!: string;
  @IsInt() @Min(0) ts!: number;
  @IsOptional() @IsBoolean() edited?: boolean;
}

export class ChatDto {
  @IsString() @Length(1, 32) room!: string;
  @ValidateNested() @Type(() => AuthorDto) author!: AuthorDto;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ChatItemDto) items!: ChatItemDto[];
}

// A class reaching itself: trees of any depth (the payload limits cap it on the wire).
export class TreeDto {
  @IsString() @Length(1, 4) name!: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => TreeDto) children?: TreeDto[];
}

export class BaseItem {
  @IsString() label!: string;
}

export class LabelledItem extends BaseItem {
  @IsOptional() @IsInt() @Max(9) weight?: number;
  describe(): string {
    return this.label;
  }
}

// Optional nested objects, nested classes with inheritance and methods, arrays of arrays, and a type
// function that reads the payload.
export class MixedNestedDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => LabelledItem) extra?: LabelledItem;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => LabelledItem) grid?: LabelledItem[][];
  @IsOptional()
  @ValidateNested()
  @Type((options?: { object?: Record<string, unknown> }) => (options?.object?.kind === 'base' ? BaseItem : LabelledItem))
  picked?: BaseItem;
  @IsOptional() @IsIn(['base', 'labelled']) kind?: string;
}

// @ValidateNested without @Type: class-validator gets plain objects (its unknownValue error).
export class UntypedNestedDto {
  @ValidateNested() inner!: object;
}

// A discriminator: class-transformer picks the class (the fast transform leaves it to it).
export class CircleShape {
  @IsIn(['circle']) kind!: string;
  @IsInt() r!: number;
}

export class SquareShape {
  @IsIn(['square']) kind!: string;
  @IsInt() side!: number;
}

export class ShapeDto {
  @ValidateNested()
  @Type(() => Object, {
    keepDiscriminatorProperty: true,
    discriminator: { property: 'kind', subTypes: [{ value: CircleShape, name: 'circle' }, { value: SquareShape, name: 'square' }] },
  })
  shape!: CircleShape | SquareShape;
}

// Messages with tokens and functions, a custom constraint's default message, `each` messages, nested.
export class NoteItem {
  @Length(2, 4, { message: '$property of $target: "$value" is not $constraint1 to $constraint2 long' }) note!: string;
  @IsOptional() @IsInt({ message: (args: ValidationArguments) => `${args.property}=${String(args.value)} on ${args.targetName}` }) rank?: number;
}

export class MessagesDto {
  @IsDefined() @Validate(MatchesConstraint, ['other']) same!: string;
  @IsOptional() @IsString() other?: string;
  @IsOptional() @IsString({ each: true, message: 'bad tag $value in $property' }) @ArrayMaxSize(2) tags?: string[];
  @IsOptional() @ValidateNested({ each: true, message: 'item of $property: $value' }) @Type(() => NoteItem) notes?: NoteItem[];
}

/** One DTO of the corpus: whether it is flat (no class-transformer decorator, no nesting), its keys. */
export interface CorpusCase {
  name: string;
  dto: new () => object;
  flat: boolean;
  /** Which fast-path shortcuts it gets on the installed versions. */
  shortcuts: { transform: boolean; check: boolean };
  keys: string[];
  /** Values that make sense for its keys (the rest come from `anyValue`). */
  good: Record<string, fc.Arbitrary<unknown>>;
  /** Half of the payloads have every key with a good value (shapes valid only when all keys are). */
  allKeys?: boolean;
}

const item = fc.record(
  {
    label: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
    count: fc.oneof(fc.integer(), fc.string({ maxLength: 2 })),
  },
  { requiredKeys: [] },
);

// Wrong types at every level: each value is mostly a good one, sometimes any other JSON value.
const wrongOr = <T>(good: fc.Arbitrary<T>, weight = 6): fc.Arbitrary<unknown> =>
  fc.oneof({ weight, arbitrary: good }, { weight: 1, arbitrary: anyValueRef() });

// Mostly valid objects, sometimes with a key missing, a prototype name or an unknown key added.
const objectOf = (fields: Record<string, fc.Arbitrary<unknown>>, optional: string[] = []): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      fc.record(fields, { requiredKeys: Object.keys(fields).filter((k) => !optional.includes(k)) }),
      fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('toString', 'hasOwnProperty', 'admin', '0'), anyValueRef(), { maxKeys: 2 }) }),
      fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...Object.keys(fields)) }),
    )
    .map(([record, extra, drop]) => {
      const out: Record<string, unknown> = { ...extra, ...record };
      if (drop !== undefined) delete out[drop];
      return out;
    });

const author = wrongOr(
  objectOf({
    id: wrongOr(fc.oneof({ weight: 9, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(17)) }), 12),
    name: wrongOr(fc.string({ minLength: 1, maxLength: 32 }), 12),
    role: wrongOr(fc.oneof({ weight: 12, arbitrary: fc.constantFrom('user', 'admin', 'bot') }, { weight: 1, arbitrary: fc.constant('root') }), 12),
  }),
  12,
);

const chatItem = wrongOr(
  objectOf(
    {
      text: wrongOr(fc.oneof({ weight: 30, arbitrary: fc.string({ minLength: 1, maxLength: 80 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(81)) }), 40),
      ts: wrongOr(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5) }), 40),
      edited: wrongOr(fc.boolean(), 40),
    },
    ['edited'],
  ),
  40,
);

const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown; children: unknown }>((tie) => ({
  node: wrongOr(objectOf({ name: wrongOr(fc.string({ minLength: 1, maxLength: 5 })), children: tie('children') }, ['children'])),
  children: fc.oneof({ depthSize: 'small' }, fc.constant([]), fc.array(tie('node'), { maxLength: 3 }), anyValueRef()),
})).children;

const labelled = wrongOr(
  objectOf({ label: wrongOr(fc.string({ maxLength: 3 })), weight: wrongOr(fc.integer({ min: 0, max: 12 })), describe: fc.constant('x') }, ['weight', 'describe']),
);

export const cases: CorpusCase[] = [
  {
    name: 'flat',
    dto: FlatDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['text', 'n'],
    good: { text: fc.string({ maxLength: 20 }), n: fc.integer({ min: -2, max: 5 }) },
  },
  {
    name: '@IsOptional, methods and getters',
    dto: OptionalDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['nickname', 'age', 'greet', 'shout'],
    good: { nickname: fc.string({ maxLength: 4 }), age: fc.integer() },
  },
  {
    name: '@ValidateIf, @IsDefined, @Allow',
    dto: ConditionalDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['method', 'pin', 'confirmed', 'note'],
    good: {
      method: fc.constantFrom('card', 'cash', 'gold'),
      pin: fc.string({ minLength: 3, maxLength: 5 }),
      confirmed: fc.constantFrom(true, null, 0),
    },
  },
  {
    name: 'constraint reading args.object',
    dto: ObjectArgsDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['password', 'repeat'],
    good: { password: fc.constantFrom('a', 'b'), repeat: fc.constantFrom('a', 'b') },
  },
  {
    name: 'inheritance',
    dto: DerivedDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['id', 'flag', 'qty'],
    good: { id: fc.string({ maxLength: 3 }), flag: fc.boolean(), qty: fc.integer({ min: -1, max: 3 }) },
  },
  {
    name: 'initialised fields',
    dto: DefaultsDto,
    flat: true,
    shortcuts: { transform: true, check: true },
    keys: ['mode', 'limit'],
    good: { mode: fc.string({ maxLength: 3 }), limit: fc.integer() },
  },
  {
    name: '@Transform',
    dto: TrimDto,
    flat: false,
    shortcuts: { transform: false, check: true },
    keys: ['name'],
    good: { name: fc.string({ maxLength: 10 }) },
  },
  {
    name: 'nested @ValidateNested + @Type, arrays of DTOs',
    dto: NestedDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['main', 'items'],
    good: { main: item, items: fc.array(item, { maxLength: 4 }) },
  },
  {
    name: 'arrays with each',
    dto: ArrayDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['tags', 'scores'],
    good: {
      tags: fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 5 }),
      scores: fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 3 }),
    },
  },
  {
    name: '@Type to Date and Number',
    dto: TypedDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['at', 'count'],
    good: {
      at: fc.constantFrom('2024-01-02T03:04:05Z', 'nope', 5),
      count: fc.constantFrom('3', 3, 'x', 2.5),
    },
  },
  {
    name: '@Expose with a name',
    dto: ExposedDto,
    flat: false,
    shortcuts: { transform: false, check: true },
    keys: ['user_name', 'userName', 'age'],
    good: { user_name: fc.string({ maxLength: 3 }), age: fc.integer() },
  },
  {
    name: 'chat: nested author, array of items (the benchmark DTO)',
    dto: ChatDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['room', 'author', 'items'],
    good: { room: fc.oneof(fc.string({ minLength: 1, maxLength: 32 }), fc.constantFrom('', 'x'.repeat(33))), author, items: fc.array(chatItem, { maxLength: 12 }) },
    allKeys: true,
  },
  {
    name: 'a tree of one class (self-reference)',
    dto: TreeDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['name', 'children'],
    allKeys: true,
    good: { name: fc.string({ maxLength: 5 }), children: tree },
  },
  {
    name: 'optional nested, inheritance, arrays of arrays, a type function reading the payload',
    dto: MixedNestedDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['extra', 'grid', 'picked', 'kind'],
    allKeys: true,
    good: {
      extra: labelled,
      grid: fc.array(fc.oneof(fc.array(labelled, { maxLength: 3 }), labelled, anyValueRef()), { maxLength: 3 }),
      picked: labelled,
      kind: fc.constantFrom('base', 'labelled', 'labelled', 'labelled', 'other'),
    },
  },
  {
    name: '@ValidateNested without @Type',
    dto: UntypedNestedDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['inner'],
    good: { inner: item },
  },
  {
    name: 'messages: tokens, functions, custom defaults, each, nested',
    dto: MessagesDto,
    flat: false,
    shortcuts: { transform: true, check: true },
    keys: ['same', 'other', 'tags', 'notes'],
    good: {
      same: fc.constantFrom('a', 'b', '$&', '$1'),
      other: fc.constantFrom('a', 'b'),
      tags: fc.array(fc.oneof(fc.constantFrom('x', '$&', "$'"), fc.integer(), fc.boolean()), { maxLength: 3 }),
      notes: fc.array(
        fc.oneof(
          fc.record({ note: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), rank: fc.oneof(fc.integer(), fc.constantFrom('1', true)) }, { requiredKeys: [] }),
          fc.constantFrom(1, 'two', null, true),
        ),
        { maxLength: 3 },
      ),
    },
    allKeys: true,
  },
  {
    name: '@Type with a discriminator',
    dto: ShapeDto,
    flat: false,
    shortcuts: { transform: false, check: true },
    keys: ['shape'],
    good: {
      shape: fc.record(
        { kind: fc.constantFrom('circle', 'square', 'hex'), r: fc.oneof(fc.integer(), fc.string()), side: fc.integer() },
        { requiredKeys: [] },
      ),
    },
  },
];

// `anyValue` is defined below the cases that use it.
function anyValueRef(): fc.Arbitrary<unknown> {
  return fc.constant(null).chain(() => anyValue);
}

/** Any JSON value, small; includes nested objects with keys that collide with Object.prototype. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 5 }),
    fc.integer({ min: -3, max: 3 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'toString', 'valueOf', 'label', '0', '10'), tie('v'), {
      maxKeys: 3,
    }),
  ),
})).v;

const unknownKey = fc.constantFrom(
  'extra',
  'admin',
  'toString',
  'hasOwnProperty',
  '0',
  '42',
  'isAdmin',
  'nested',
);

/** Payloads for one DTO: its keys with good or any values, some left out, some unknown keys added. */
export function payloads(c: CorpusCase): fc.Arbitrary<Record<string, unknown>> {
  const known = fc.record(
    Object.fromEntries(
      c.keys.map((k) => [
        k,
        fc.oneof({ weight: 3, arbitrary: c.good[k] ?? anyValue }, { weight: 1, arbitrary: anyValue }),
      ]),
    ),
    { requiredKeys: [] },
  );
  const extra = fc.dictionary(unknownKey, anyValue, { maxKeys: 3 });
  const complete = fc.record(Object.fromEntries(c.keys.map((k) => [k, c.good[k] ?? anyValue])));
  return fc
    .tuple(c.allKeys ? fc.oneof(known, complete) : known, fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extra }))
    .map(([k, e]) => JSON.parse(JSON.stringify({ ...e, ...k })) as Record<string, unknown>);
}

/** What class-transformer + class-validator say, run as the framework did before any shortcut. */
export type Outcome =
  | { ok: true; instance: object }
  | { ok: false; details: ValidationDetail[] }
  | { ok: 'throws'; message: string };

export function reference(dto: new () => object, value: object, options: ValidatorOptions): Outcome {
  let instance: object;
  try {
    instance = plainToInstance(dto, value);
  } catch (error) {
    return { ok: 'throws', message: (error as Error).message };
  }
  const errors = validateSync(instance, options);
  return errors.length === 0
    ? { ok: true, instance }
    : { ok: false, details: flattenValidationErrors(errors, '') };
}
