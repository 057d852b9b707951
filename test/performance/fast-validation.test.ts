import 'reflect-metadata';
import fc from 'fast-check';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested, validateSync, type ValidatorOptions } from 'class-validator';
import { WsException } from 'ws-controllers';
import { compileFastCheck } from '../../src/validation/fast-check';
import { compileFastTransform } from '../../src/validation/fast-transform';
import { compilePayloadConverter, DEFAULT_VALIDATOR_OPTIONS } from '../../src/validation/payload-validator';
import { transformerStorage, type TransformerStorage } from '../../src/validation/transformer-internals';

const probe = transformerStorage();
if (!('storage' in probe)) throw new Error(`the fast path must be available on the installed versions: ${probe.problem}`);
const storage: TransformerStorage = probe.storage;

class EchoDto {
  @IsString()
  @Length(1, 64)
  text!: string;

  @IsInt()
  @Min(0)
  n!: number;
}

class OptionalDto {
  @IsOptional()
  @IsString()
  nickname?: string;

  @IsInt()
  age!: number;

  greet(): string {
    return `hi ${this.nickname ?? ''}`;
  }
}

class TrimmedDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  name!: string;
}

class Inner {
  @IsString()
  label!: string;
}

class NestedDto {
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

class GroupedDto {
  @IsString({ groups: ['admin'] })
  role!: string;
}

const options: ValidatorOptions = DEFAULT_VALIDATOR_OPTIONS;

// What the framework did before the shortcuts: class-transformer then class-validator, every time.
function reference(dto: new () => object, value: object): { ok: true; instance: object } | { ok: false } {
  const instance = plainToInstance(dto, value);
  return validateSync(instance, options).length === 0 ? { ok: true, instance } : { ok: false };
}

function converted(dto: new () => object, value: object): { ok: true; instance: object } | { ok: false; error: WsException } {
  try {
    return { ok: true, instance: compilePayloadConverter(dto, '', options)(value) as object };
  } catch (error) {
    return { ok: false, error: error as WsException };
  }
}

const anyValue = fc.oneof(fc.string({ maxLength: 80 }), fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean(), fc.constant(null));

test('the DTO shortcut accepts and rejects exactly what class-validator does', () => {
  const payload = fc.record(
    { text: fc.oneof(fc.string({ maxLength: 80 }), anyValue), n: fc.oneof(fc.nat(), anyValue), extra: anyValue },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(payload, (value) => {
      const expected = reference(EchoDto, value);
      const actual = converted(EchoDto, value);
      expect(actual.ok).toBe(expected.ok);
      if (actual.ok && expected.ok) {
        expect(actual.instance).toBeInstanceOf(EchoDto);
        expect({ ...actual.instance }).toEqual({ ...expected.instance });
      }
    }),
    { numRuns: 500 },
  );
});

test('optional properties and prototype methods follow class-validator and class-transformer', () => {
  const payload = fc.record({ nickname: anyValue, age: fc.oneof(fc.nat(), anyValue), greet: anyValue }, { requiredKeys: ['age'] });
  fc.assert(
    fc.property(payload, (value) => {
      const expected = reference(OptionalDto, value);
      const actual = converted(OptionalDto, value);
      expect(actual.ok).toBe(expected.ok);
      if (actual.ok && expected.ok) expect({ ...actual.instance }).toEqual({ ...expected.instance });
    }),
    { numRuns: 300 },
  );
});

test('a rejected payload still reports class-validator details', () => {
  const result = converted(EchoDto, { text: '', n: -1 });
  expect(result.ok).toBe(false);
  const details = (result as { error: WsException }).error.details as { property: string }[];
  expect(details.map((d) => d.property).sort()).toEqual(['n', 'text']);
});

test('a DTO with class-transformer decorators keeps their effect', () => {
  expect(compileFastTransform(storage, TrimmedDto)).toBeUndefined();
  const result = converted(TrimmedDto, { name: '  ada  ' });
  expect(result.ok && (result.instance as TrimmedDto).name).toBe('ada');
});

test('a flat DTO payload with nested plain values is still built without class-transformer, as it would build it', () => {
  const transform = compileFastTransform(storage, EchoDto)!;
  const value = { text: 'a', n: 1, extra: { deep: [true, { toString: 1, valueOf: 2, k: null }] } };
  const built = transform(value);
  expect(built).toBeInstanceOf(EchoDto);
  expect(built).toEqual(plainToInstance(EchoDto, value));
  expect((built as { extra: { deep: unknown[] } }).extra.deep[1]).toEqual({ k: null });
  expect((built as { extra: unknown }).extra).not.toBe(value.extra);
});

test('DTOs with grouped constraints, or validation groups in the options, get no shortcut (nested ones do)', () => {
  expect(compileFastCheck(NestedDto, options)).toBeDefined();
  expect(compileFastCheck(GroupedDto, options)).toBeUndefined();
  expect(compileFastCheck(EchoDto, { ...options, groups: ['x'] })).toBeUndefined();
  expect(compileFastCheck(EchoDto, options)).toBeDefined();
});

test('an unknown property is never accepted by the shortcut under whitelist', () => {
  const passes = compileFastCheck(EchoDto, options)!;
  expect(passes(Object.assign(new EchoDto(), { text: 'a', n: 1 }))).toBe(true);
  expect(passes(Object.assign(new EchoDto(), { text: 'a', n: 1, admin: true }))).toBe(false);
});
