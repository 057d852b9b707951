/**
 * The fast path (validator strategy `fast`) against class-validator itself: for every DTO of the corpus
 * and every generated payload, the framework's converter must accept and reject exactly what
 * class-transformer + class-validator do, build an equal instance, and report the same error paths and
 * constraints, under each whitelist setting. The plain strategy is held to the same corpus.
 */
import fc from 'fast-check';
import * as classTransformer from 'class-transformer';
import * as classValidator from 'class-validator';
import type { ValidatorOptions } from 'class-validator';
import { WsException } from 'ws-controllers';
import { compilePayloadConverter, converterPlan, DEFAULT_VALIDATOR_OPTIONS } from '../../src/validation/payload-validator';
import { PLAIN_STRATEGY, validatorStrategy, type ValidatorStrategy } from '../../src/validation/validator-strategy';
import type { ValidationDetail } from '../../src/validation/validation-details';
import { cases, FlatDto, payloads, reference, type Outcome } from './support/corpus';

const optionSets: Array<[string, ValidatorOptions]> = [
  ['forbidNonWhitelisted (default)', DEFAULT_VALIDATOR_OPTIONS],
  ['whitelist only (strip)', { whitelist: true, validationError: { target: false, value: false } }],
  ['no whitelist', { validationError: { target: false, value: false } }],
];

function outcome(convert: (value: unknown) => unknown, value: object): Outcome {
  try {
    return { ok: true, instance: convert(value) as object };
  } catch (error) {
    if (error instanceof WsException) return { ok: false, details: error.details as ValidationDetail[] };
    return { ok: 'throws', message: (error as Error).message };
  }
}

const fast = validatorStrategy();

test('on the installed class-transformer and class-validator, the fast strategy is the one in use', () => {
  expect(fast.name).toBe('fast');
});

describe.each(optionSets)('%s', (_label, options) => {
  describe.each([
    ['fast', fast],
    ['plain', PLAIN_STRATEGY],
  ] as Array<[string, ValidatorStrategy]>)('%s strategy', (_name, strategy) => {
    test.each(cases.map((c) => [c.name, c] as const))('%s: same verdicts, instances and error paths as class-validator', (_n, c) => {
      const convert = compilePayloadConverter(c.dto, '', options, strategy);
      fc.assert(
        fc.property(payloads(c), (value) => {
          const expected = reference(c.dto, structuredClone(value), options);
          const actual = outcome(convert, structuredClone(value));
          expect(actual.ok).toBe(expected.ok);
          if (expected.ok === true && actual.ok === true) {
            expect(actual.instance).toStrictEqual(expected.instance);
          } else {
            expect(actual).toEqual(expected);
          }
        }),
        { numRuns: 150 },
      );
    });
  });
});

test('flat and nested DTOs compile every shortcut; DTOs with @Transform, @Expose or a discriminator keep class-transformer', () => {
  for (const c of cases) {
    const plan = converterPlan(compilePayloadConverter(c.dto, '', DEFAULT_VALIDATOR_OPTIONS));
    expect({ name: c.name, ...plan }).toEqual({
      name: c.name,
      strategy: 'fast',
      fastTransform: c.shortcuts.transform,
      fastCheck: c.shortcuts.check,
      fastErrors: c.shortcuts.check,
      unknownKeys: true,
    });
  }
});

test('a valid flat payload, and one with 900 unknown keys, never reach class-transformer or validateSync', () => {
  const toInstance = jest.spyOn(classTransformer, 'plainToInstance');
  const validate = jest.spyOn(classValidator, 'validateSync');
  try {
    const convert = compilePayloadConverter(FlatDto, '', DEFAULT_VALIDATOR_OPTIONS);
    expect(convert({ text: 'hi', n: 1 })).toBeInstanceOf(FlatDto);
    expect(toInstance).not.toHaveBeenCalled();
    expect(validate).not.toHaveBeenCalled();
    const hostile: Record<string, unknown> = { text: 'hi', n: 1, deep: { nested: {} } };
    for (let i = 0; i < 900; i++) hostile[`unknown_${i}`] = {};
    let error: WsException | undefined;
    try {
      convert(hostile);
    } catch (e) {
      error = e as WsException;
    }
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect((error?.details as unknown[]).length).toBe(901);
    expect(toInstance).not.toHaveBeenCalled();
    // The known keys were still validated, on an instance of those keys only.
    for (const [instance] of validate.mock.calls) expect(Object.keys(instance)).toEqual(['text', 'n']);
  } finally {
    toInstance.mockRestore();
    validate.mockRestore();
  }
});
