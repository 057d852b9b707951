/**
 * Two class-transformer metadata storages in one process (its ESM and CommonJS builds, or two copies):
 * decorators register in one, the deep import reads the other. The probe must notice, fall back to the
 * plain strategy and warn; @Transform and @Type keep working.
 */
import { DEFAULT_VALIDATOR_OPTIONS, compilePayloadConverter } from '../../src/validation/payload-validator';
import { validatorStrategy } from '../../src/validation/validator-strategy';
import { NestedDto, TrimDto } from './support/corpus';

jest.mock('../../src/validation/transformer-storage-module', () => ({
  loadStorageModule: () => {
    const { MetadataStorage } = jest.requireActual<{ MetadataStorage: new () => object }>('class-transformer/cjs/MetadataStorage');
    return { defaultMetadataStorage: new MetadataStorage() };
  },
}));

test('a second, empty storage is detected: plain strategy, one warning naming the cause', () => {
  const warn = jest.fn();
  expect(validatorStrategy(warn).name).toBe('plain');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/loaded twice/);
});

test('decorators the fast path could not see still take effect', () => {
  expect((compilePayloadConverter(TrimDto, '', DEFAULT_VALIDATOR_OPTIONS)({ name: '  ada ' }) as TrimDto).name).toBe('ada');
  const nested = compilePayloadConverter(NestedDto, '', DEFAULT_VALIDATOR_OPTIONS)({ main: { label: 'm' }, items: [{ label: 'a' }] }) as NestedDto;
  expect(nested.items[0]!.constructor.name).toBe('Item');
});
