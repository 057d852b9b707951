/**
 * @module validation/validator-strategy
 * How a DTO payload becomes a validated instance. `plain` is class-transformer then class-validator,
 * every time, through their public API. `fast` adds the shortcuts (fast-transform, fast-check,
 * unknown-keys) that read class-transformer's internals and class-validator's metadata; it is chosen
 * only when those probe well at start-up. Both give the same instances, verdicts and error paths
 * (test/validation/differential.test.ts checks it).
 */
import { plainToInstance, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsOptional, IsString, Min, ValidateIf, ValidateNested, validateSync, type ValidatorOptions } from 'class-validator';
import { compileFastCheck, type FastCheck } from './fast-check';
import { compileFastErrors, type FastErrors } from './fast-errors';
import { compileFastTransform } from './fast-transform';
import { transformerStorage, type TransformerStorage } from './transformer-internals';
import { compileUnknownKeys, type UnknownKeys } from './unknown-keys';

/** Builds a DTO instance from a payload object, as `plainToInstance` does. */
export type ToInstance = (value: object) => object;

/** One way of turning payloads into DTO instances. */
export interface ValidatorStrategy {
  readonly name: 'fast' | 'plain';
  /** The instance builder of a DTO. */
  compileTransform(dto: new () => object): { toInstance: ToInstance; fast: boolean };
  /** A pass-only check in front of class-validator (`true`: certainly valid), or `undefined`. */
  compileCheck(dto: Function, options: ValidatorOptions): FastCheck | undefined;
  /** class-validator's errors without `validateSync` (`undefined` from it: run validateSync), or `undefined`. */
  compileErrors(dto: Function, options: ValidatorOptions): FastErrors | undefined;
  /** Finds keys certain to fail the whitelist before transforming, or `undefined`. */
  compileUnknownKeys(dto: new () => object, options: ValidatorOptions): UnknownKeys | undefined;
}

/** class-transformer and class-validator through their public API only. */
export const PLAIN_STRATEGY: ValidatorStrategy = {
  name: 'plain',
  compileTransform: (dto) => ({ toInstance: (value) => plainToInstance(dto, value), fast: false }),
  compileCheck: () => undefined,
  compileErrors: () => undefined,
  compileUnknownKeys: () => undefined,
};

function fastStrategy(storage: TransformerStorage): ValidatorStrategy {
  return {
    name: 'fast',
    compileTransform(dto) {
      const fast = compileFastTransform(storage, dto);
      if (fast === undefined) return { toInstance: (value) => plainToInstance(dto, value), fast: false };
      return { toInstance: (value) => fast(value) ?? plainToInstance(dto, value), fast: true };
    },
    compileCheck: (dto, options) => compileFastCheck(dto, options),
    compileErrors: (dto, options) => compileFastErrors(dto, options),
    compileUnknownKeys: (dto, options) => compileUnknownKeys(storage, dto, options),
  };
}

class CheckProbe {
  @IsString() name!: string;
  @IsOptional() @IsInt() @Min(0) age?: number;
  @ValidateIf((o: CheckProbe) => o.name === 'x') @IsString() when?: string;
  @IsDefined() present!: unknown;
}

class NestedProbeItem {
  @IsString() text!: string;
}

class NestedProbe {
  @ValidateNested() @Type(() => NestedProbeItem) one!: NestedProbeItem;
  @IsArray() @ArrayMaxSize(2) @ValidateNested({ each: true }) @Type(() => NestedProbeItem) many!: NestedProbeItem[];
  @IsOptional() @IsInt({ each: true }) ints?: number[];
}

// Nested validation and `each` as the fast check reads them, and @Type as the fast transform reads it:
// every sample must get the instance plainToInstance builds and the verdict validateSync gives.
function nestedAgrees(storage: TransformerStorage, options: ValidatorOptions): boolean {
  const check = compileFastCheck(NestedProbe, options);
  const transform = compileFastTransform(storage, NestedProbe);
  if (check === undefined || transform === undefined) return false;
  const samples: object[] = [
    { one: { text: 'a' }, many: [{ text: 'b' }] },
    { one: { text: 'a' }, many: [], ints: [1, 2] },
    { one: { text: 'a' }, many: [[{ text: 'b' }]] },
    { one: { text: 1 }, many: [] },
    { one: 'a', many: [] },
    { one: { text: 'a' }, many: [{ text: 'b' }, null] },
    { one: { text: 'a' }, many: [{ text: 'b', extra: 1 }] },
    { one: { text: 'a' }, many: [{}, {}, {}] },
    { one: { text: 'a' }, many: [], ints: [1, 'x'] },
  ];
  return samples.every((sample, i) => {
    const reference = plainToInstance(NestedProbe, sample);
    const built = transform(sample) as NestedProbe | undefined;
    const sameShape =
      built instanceof NestedProbe &&
      built.one instanceof NestedProbeItem === reference.one instanceof NestedProbeItem &&
      JSON.stringify(built) === JSON.stringify(reference) &&
      (!Array.isArray(built.many) || built.many.every((item, j) => (item as object | null)?.constructor === (reference.many[j] as object | null)?.constructor));
    const valid = validateSync(reference, options).length === 0;
    return sameShape && check(built) === valid && valid === i < 3;
  });
}

// The fast check mirrors class-validator's handling of its metadata types; if a release changed them,
// this probe sees the shortcut accept something class-validator refuses.
function fastCheckAgrees(): boolean {
  const options: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };
  const check = compileFastCheck(CheckProbe, options);
  if (check === undefined) return false;
  const samples: object[] = [
    { name: 'a', present: 1 },
    { name: 'a', age: 3, present: 'p' },
    { name: 'x', when: 'w', present: 0 },
    { name: 1, present: 1 },
    { name: 'a', age: -1, present: 1 },
    { name: 'x', when: 2, present: 1 },
    { name: 'a' },
    { name: 'a', present: 1, extra: true },
  ];
  return samples.every((sample, i) => {
    const instance = Object.assign(new CheckProbe(), sample);
    const valid = validateSync(instance, options).length === 0;
    return check(instance) === valid && valid === i < 3;
  });
}

/** Set to `1` to force the plain strategy (a test hook, and a way out if the fast path ever misbehaves). */
export const PLAIN_VALIDATION_ENV = 'WS_CONTROLLERS_PLAIN_VALIDATION';

let probed: { strategy: ValidatorStrategy; problem?: string; warned: boolean } | undefined;

/**
 * The strategy in use: `fast` when its probes pass, else `plain` (and `warn` hears why, once per
 * process). `WS_CONTROLLERS_PLAIN_VALIDATION=1` forces `plain`.
 */
export function validatorStrategy(warn?: (message: string) => void): ValidatorStrategy {
  if (process.env[PLAIN_VALIDATION_ENV] === '1') return PLAIN_STRATEGY;
  if (probed === undefined) {
    const found = transformerStorage();
    if ('problem' in found) probed = { strategy: PLAIN_STRATEGY, problem: found.problem, warned: false };
    else if (!fastCheckAgrees()) probed = { strategy: PLAIN_STRATEGY, problem: 'class-validator metadata no longer reads as expected', warned: false };
    else if (!nestedAgrees(found.storage, { whitelist: true, forbidNonWhitelisted: true })) {
      probed = { strategy: PLAIN_STRATEGY, problem: 'nested DTOs (@ValidateNested, @Type) no longer read as expected', warned: false };
    }
    else probed = { strategy: fastStrategy(found.storage), warned: false };
  }
  if (probed.problem !== undefined && !probed.warned && warn !== undefined) {
    probed.warned = true;
    warn(`DTO validation fast path off, class-transformer and class-validator run plainly: ${probed.problem}`);
  }
  return probed.strategy;
}
