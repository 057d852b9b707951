/**
 * The compiled path on nested DTOs: a valid chat-like payload (an author object, an array of items) is
 * built into instances of the nested classes and confirmed without class-transformer or class-validator;
 * a failing one gets class-validator's own errors; what the compiled path does not mirror falls back.
 * These tests fail when the nested fast path silently turns off.
 */
import fc from 'fast-check';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import { Expose, Transform, Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Validate, ValidateNested, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { WsException } from 'ws-controllers';
import { compilePayloadConverter, converterPlan, DEFAULT_VALIDATOR_OPTIONS, isAsyncConverter } from '../../src/validation/payload-validator';
import { validatorStrategy } from '../../src/validation/validator-strategy';
import { AuthorDto, ChatDto, ChatItemDto, reference, TreeDto } from './support/corpus';

/** The benchmark payload: about 600 bytes. */
export function chatPayload(): Record<string, unknown> {
  const items = [];
  for (let i = 0; i < 10; i++) items.push({ text: `message number ${i}`, ts: 1_700_000_000_000 + i, ...(i % 3 === 0 ? { edited: true } : {}) });
  return { room: 'general', author: { id: 'u-42', name: 'Ada Lovelace', role: 'admin' }, items };
}

// A JSON copy (structuredClone would build objects of another realm under jest, which the fast path leaves alone).
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function spyOnLibraries(): { calls: () => number; restore: () => void } {
  const spies = [
    jest.spyOn(classTransformer, 'plainToInstance'),
    jest.spyOn(classValidator, 'validateSync'),
    jest.spyOn(classValidator, 'validate'),
  ];
  return {
    calls: () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

function errorOf(run: () => unknown): WsException {
  try {
    run();
  } catch (error) {
    return error as WsException;
  }
  throw new Error('expected a VALIDATION_FAILED');
}

test('the strategy in use is the compiled one, and a nested DTO compiles every shortcut', () => {
  expect(validatorStrategy().name).toBe('fast');
  for (const dto of [ChatDto, TreeDto]) {
    expect(converterPlan(compilePayloadConverter(dto, '', DEFAULT_VALIDATOR_OPTIONS))).toEqual({
      strategy: 'fast',
      fastTransform: true,
      fastCheck: true,
      fastErrors: true,
      unknownKeys: true,
    });
  }
});

test('a valid chat payload becomes instances of the nested classes without class-transformer or class-validator', () => {
  const convert = compilePayloadConverter(ChatDto, '', DEFAULT_VALIDATOR_OPTIONS);
  const payload = chatPayload();
  expect(JSON.stringify(payload).length).toBeGreaterThan(550);
  const libraries = spyOnLibraries();
  let chat: ChatDto;
  try {
    chat = convert(clone(payload)) as ChatDto;
    expect(libraries.calls()).toBe(0);
  } finally {
    libraries.restore();
  }
  expect(chat).toBeInstanceOf(ChatDto);
  expect(chat.author).toBeInstanceOf(AuthorDto);
  expect(chat.items).toHaveLength(10);
  for (const item of chat.items) expect(item).toBeInstanceOf(ChatItemDto);
  expect(chat).toStrictEqual(classTransformer.plainToInstance(ChatDto, payload));
});

test('valid nested payloads of every size stay off class-validator, and equal what class-transformer builds', () => {
  const convert = compilePayloadConverter(ChatDto, '', DEFAULT_VALIDATOR_OPTIONS);
  const item = fc.record(
    { text: fc.string({ minLength: 1, maxLength: 80 }), ts: fc.nat(), edited: fc.boolean() },
    { requiredKeys: ['text', 'ts'] },
  );
  const chat = fc.record({
    room: fc.string({ minLength: 1, maxLength: 8 }),
    author: fc.record({ id: fc.string({ minLength: 1, maxLength: 16 }), name: fc.string({ minLength: 1, maxLength: 32 }), role: fc.constantFrom('user', 'admin', 'bot') }),
    items: fc.array(item, { minLength: 1, maxLength: 10 }),
  });
  fc.assert(
    fc.property(chat, (value) => {
      const expected = reference(ChatDto, clone(value), DEFAULT_VALIDATOR_OPTIONS);
      expect(expected.ok).toBe(true);
      const libraries = spyOnLibraries();
      try {
        const instance = convert(clone(value));
        expect(libraries.calls()).toBe(0);
        expect(instance).toStrictEqual((expected as { instance: object }).instance);
      } finally {
        libraries.restore();
      }
    }),
    { numRuns: 200 },
  );
});

test('a failing nested payload gets class-validator errors, with paths into the array', () => {
  const convert = compilePayloadConverter(ChatDto, '', DEFAULT_VALIDATOR_OPTIONS);
  const payload = chatPayload();
  const items = payload.items as Record<string, unknown>[];
  items[3]!.text = 42;
  items[7] = 'not an item' as never;
  (payload.author as Record<string, unknown>).admin = true;
  const error = errorOf(() => convert(clone(payload)));
  expect(error.code).toBe('VALIDATION_FAILED');
  const expected = reference(ChatDto, clone(payload), DEFAULT_VALIDATOR_OPTIONS);
  expect(error.details).toEqual((expected as { details: unknown }).details);
  expect(error.details).toEqual([
    { property: 'author.admin', constraints: { whitelistValidation: 'property admin should not exist' } },
    { property: 'items.3.text', constraints: { isLength: 'text must be longer than or equal to 1 and shorter than or equal to 80 characters', isString: 'text must be a string' } },
    { property: 'items.7', constraints: { nestedValidation: 'each value in nested property items must be either object or array' } },
  ]);
});

test('failing nested payloads get their errors without validateSync, the same as class-validator gives', () => {
  const convert = compilePayloadConverter(ChatDto, '', DEFAULT_VALIDATOR_OPTIONS);
  const hostile = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.dictionary(fc.constantFrom('text', 'ts', 'x'), fc.oneof(fc.string(), fc.integer())), { maxLength: 2 }));
  const chat = fc.record({
    room: fc.oneof(fc.string({ maxLength: 40 }), hostile),
    author: fc.oneof(fc.record({ id: fc.oneof(fc.string({ maxLength: 20 }), hostile), name: fc.string(), role: fc.constantFrom('user', 'root') }), hostile),
    items: fc.oneof(fc.array(fc.oneof(fc.record({ text: fc.oneof(fc.string({ maxLength: 90 }), hostile), ts: fc.oneof(fc.integer(), hostile) }), hostile), { maxLength: 14 }), hostile),
  });
  let failures = 0;
  fc.assert(
    fc.property(chat, (value) => {
      const expected = reference(ChatDto, clone(value), DEFAULT_VALIDATOR_OPTIONS);
      const libraries = spyOnLibraries();
      try {
        if (expected.ok === true) return;
        failures++;
        const error = errorOf(() => convert(clone(value)));
        expect(libraries.calls()).toBe(0);
        expect(error.details).toEqual((expected as { details: unknown }).details);
      } finally {
        libraries.restore();
      }
    }),
    { numRuns: 300 },
  );
  expect(failures).toBeGreaterThan(250);
});

test('10,000 items over @ArrayMaxSize are refused with the one error, without validateSync', () => {
  const convert = compilePayloadConverter(ChatDto, '', DEFAULT_VALIDATOR_OPTIONS);
  const payload = { ...chatPayload(), items: Array.from({ length: 10_000 }, (_, i) => ({ text: `m${i}`, ts: i })) };
  const libraries = spyOnLibraries();
  try {
    expect(errorOf(() => convert(clone(payload))).details).toEqual([{ property: 'items', constraints: { arrayMaxSize: 'items must contain no more than 10 elements' } }]);
    expect(libraries.calls()).toBe(0);
  } finally {
    libraries.restore();
  }
});

test('a tree of one class is compiled once and validated at every level', () => {
  const convert = compilePayloadConverter(TreeDto, '', DEFAULT_VALIDATOR_OPTIONS);
  let tree: Record<string, unknown> = { name: 'leaf' };
  for (let i = 0; i < 20; i++) tree = { name: `n${i % 10}`, children: [tree, { name: 'x' }] };
  const libraries = spyOnLibraries();
  try {
    const built = convert(clone(tree)) as TreeDto;
    expect(libraries.calls()).toBe(0);
    expect(built.children![0]).toBeInstanceOf(TreeDto);
    expect(built).toStrictEqual(classTransformer.plainToInstance(TreeDto, tree));
  } finally {
    libraries.restore();
  }
  let deepest = tree;
  for (let i = 0; i < 8; i++) deepest = (deepest.children as Record<string, unknown>[])[0]!;
  deepest.name = 'too long';
  const error = errorOf(() => convert(clone(tree)));
  expect(error.details).toEqual([{ property: 'children.0.'.repeat(8) + 'name', constraints: { isLength: expect.any(String) } }]);
});

// What the compiled path does not mirror: each of these keeps class-transformer and/or class-validator
// for the part it cannot prove, and still gives their exact result.
class TrimmedItem {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MaxLength(3) text!: string;
}
class RenamedItem {
  @Expose({ name: 'item_text' }) @IsString() text!: string;
}
class GroupedItem {
  @IsInt({ groups: ['admin'] }) n!: number;
}
@ValidatorConstraint({ name: 'slowCheck', async: true })
class SlowCheck implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value === 'ok');
  }
}
class AsyncItem {
  @Validate(SlowCheck) text!: string;
}
class WithTrimmed {
  @ValidateNested({ each: true }) @Type(() => TrimmedItem) items!: TrimmedItem[];
}
class WithRenamed {
  @ValidateNested() @Type(() => RenamedItem) item!: RenamedItem;
}
class WithGrouped {
  @ValidateNested() @Type(() => GroupedItem) item!: GroupedItem;
}
class WithAsync {
  @ValidateNested() @Type(() => AsyncItem) item!: AsyncItem;
}
class WithAsyncArray {
  @ValidateNested({ each: true }) @Type(() => AsyncItem) items!: AsyncItem[];
}

test.each([
  ['@Transform in a nested class', WithTrimmed, { items: [{ text: ' ab ' }] }, false],
  ['@Expose in a nested class', WithRenamed, { item: { item_text: 'a' } }, false],
  ['validation groups in a nested class', WithGrouped, { item: { n: 1 } }, true],
])('%s: falls back, with the libraries’ own result', (_name, dto, payload, fastTransform) => {
  const convert = compilePayloadConverter(dto, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(converterPlan(convert)?.fastTransform).toBe(fastTransform);
  const libraries = spyOnLibraries();
  let instance: unknown;
  try {
    instance = convert(clone(payload));
    expect(libraries.calls()).toBeGreaterThan(0);
  } finally {
    libraries.restore();
  }
  expect(instance).toStrictEqual((reference(dto, clone(payload), DEFAULT_VALIDATOR_OPTIONS) as { instance: object }).instance);
});

test('an async constraint in a nested class, or in the items of a nested array, makes the converter async, and it runs', async () => {
  const convert = compilePayloadConverter(WithAsync, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(isAsyncConverter(convert)).toBe(true);
  await expect(Promise.resolve(convert({ item: { text: 'ok' } }))).resolves.toBeInstanceOf(WithAsync);
  await expect(Promise.resolve(convert({ item: { text: 'no' } }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  // design:type of an array property is Array: the item class comes from @Type.
  const convertArray = compilePayloadConverter(WithAsyncArray, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(isAsyncConverter(convertArray)).toBe(true);
  await expect(Promise.resolve(convertArray({ items: [{ text: 'ok' }] }))).resolves.toBeInstanceOf(WithAsyncArray);
  await expect(Promise.resolve(convertArray({ items: [{ text: 'ok' }, { text: 'no' }] }))).rejects.toMatchObject({
    code: 'VALIDATION_FAILED',
    details: [{ property: 'items.1.text', constraints: { slowCheck: expect.any(String) } }],
  });
});
