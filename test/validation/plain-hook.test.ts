import { compilePayloadConverter, converterPlan, DEFAULT_VALIDATOR_OPTIONS } from '../../src/validation/payload-validator';
import { PLAIN_VALIDATION_ENV, validatorStrategy } from '../../src/validation/validator-strategy';
import { FlatDto } from './support/corpus';

afterEach(() => {
  delete process.env[PLAIN_VALIDATION_ENV];
});

test('WS_CONTROLLERS_PLAIN_VALIDATION=1 forces the plain strategy without a warning, and unsetting it restores the fast one', () => {
  const warn = jest.fn();
  process.env[PLAIN_VALIDATION_ENV] = '1';
  expect(validatorStrategy(warn).name).toBe('plain');
  expect(converterPlan(compilePayloadConverter(FlatDto, '', DEFAULT_VALIDATOR_OPTIONS))?.strategy).toBe('plain');
  delete process.env[PLAIN_VALIDATION_ENV];
  expect(validatorStrategy(warn).name).toBe('fast');
  expect(warn).not.toHaveBeenCalled();
});
