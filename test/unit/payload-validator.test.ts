import { IsInt, IsString, Min, ValidateNested, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { Type } from 'class-transformer';
import { WsException } from 'ws-controllers';
import { compilePayloadConverter, DEFAULT_VALIDATOR_OPTIONS, isAsyncConverter } from '../../src/validation/payload-validator';

class Item {
  @IsString() name!: string;
}
class Order {
  @IsInt() @Min(1) qty!: number;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

function failure(fn: () => unknown): WsException {
  try {
    fn();
  } catch (error) {
    return error as WsException;
  }
  throw new Error('expected a failure');
}

test('a DTO converter returns an instance and reports nested array paths', () => {
  const convert = compilePayloadConverter(Order, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(convert({ qty: 2, items: [{ name: 'a' }] })).toBeInstanceOf(Order);
  const error = failure(() => convert({ qty: 0, items: [{ name: 'a' }, { name: 3 }] }));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect((error.details as Array<{ property: string }>).map((d) => d.property)).toEqual(['qty', 'items.1.name']);
});

test('validation errors never echo the rejected values', () => {
  const convert = compilePayloadConverter(Order, '', DEFAULT_VALIDATOR_OPTIONS);
  const error = failure(() => convert({ qty: 'secret-value', items: [] }));
  expect(JSON.stringify(error.details)).not.toContain('secret-value');
});

test('primitive types are checked, NaN is not a number, and Object passes through', () => {
  expect(compilePayloadConverter(Number, '', {})(3)).toBe(3);
  expect(failure(() => compilePayloadConverter(Number, 'n', {})(Number.NaN)).code).toBe('VALIDATION_FAILED');
  expect(failure(() => compilePayloadConverter(Boolean, '', {})('true')).code).toBe('VALIDATION_FAILED');
  const value = { any: 'thing' };
  expect(compilePayloadConverter(Object, '', {})(value)).toBe(value);
  expect(compilePayloadConverter(Order, '', false)(value)).toBe(value);
});

@ValidatorConstraint({ async: true })
class NotTaken implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    await new Promise((r) => setImmediate(r));
    return value !== 'taken';
  }
}
class Signup {
  @Validate(NotTaken) nick!: string;
}

test('a DTO with async constraints gets an async converter that still validates', async () => {
  const convert = compilePayloadConverter(Signup, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(isAsyncConverter(convert)).toBe(true);
  await expect(convert({ nick: 'free' })).resolves.toBeInstanceOf(Signup);
  await expect(convert({ nick: 'taken' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  expect(isAsyncConverter(compilePayloadConverter(Order, '', DEFAULT_VALIDATOR_OPTIONS))).toBe(false);
});
