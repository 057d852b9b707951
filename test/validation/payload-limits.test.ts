import { WsException } from 'ws-controllers';
import { compilePayloadLimits, DEFAULT_PAYLOAD_LIMITS } from '../../src/validation/payload-limits';

const check = compilePayloadLimits({ maxDepth: 3, maxKeys: 4, maxArrayLength: 5 })!;

function violation(payload: unknown): { code: string; details: unknown } | undefined {
  try {
    check(payload);
    return undefined;
  } catch (error) {
    const e = error as WsException;
    return { code: e.code, details: e.details };
  }
}

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

test('the defaults are 32 levels, 1,000 keys per object and 10,000 items per array', () => {
  expect(DEFAULT_PAYLOAD_LIMITS).toEqual({ maxDepth: 32, maxKeys: 1000, maxArrayLength: 10_000 });
});

test('primitives and payloads within every limit pass', () => {
  for (const payload of [undefined, null, 0, 'text', true, {}, [], { a: 1, b: 2, c: 3, d: 4 }, [1, 2, 3, 4, 5], nested(3), { a: [{ b: 1 }] }]) {
    expect(violation(payload)).toBeUndefined();
  }
});

test('nesting past maxDepth answers PAYLOAD_TOO_COMPLEX with the path of the first level too deep', () => {
  expect(violation(nested(4))).toEqual({
    code: 'PAYLOAD_TOO_COMPLEX',
    details: [{ property: 'a.a.a', constraints: { maxPayloadDepth: 'a.a.a is nested deeper than 3 levels' } }],
  });
  // Arrays count as levels too, and their indexes are path segments.
  expect(violation({ list: [[{ x: 1 }]] })).toEqual({
    code: 'PAYLOAD_TOO_COMPLEX',
    details: [{ property: 'list.0.0', constraints: { maxPayloadDepth: 'list.0.0 is nested deeper than 3 levels' } }],
  });
});

test('an object with more than maxKeys keys is refused with its path, at any depth', () => {
  expect(violation({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toEqual({
    code: 'PAYLOAD_TOO_COMPLEX',
    details: [{ property: '', constraints: { maxPayloadKeys: 'payload has more than 4 keys' } }],
  });
  expect(violation({ ok: 1, inner: { a: 1, b: 2, c: 3, d: 4, e: 5 } })).toMatchObject({
    details: [{ property: 'inner', constraints: { maxPayloadKeys: 'inner has more than 4 keys' } }],
  });
});

test('an array with more than maxArrayLength items is refused with its path', () => {
  expect(violation([1, 2, 3, 4, 5, 6])).toMatchObject({ details: [{ property: '', constraints: { maxArrayLength: 'payload has more than 5 items' } }] });
  expect(violation({ rows: { tags: [1, 2, 3, 4, 5, 6] } })).toMatchObject({
    details: [{ property: 'rows.tags', constraints: { maxArrayLength: 'rows.tags has more than 5 items' } }],
  });
});

test('a long client-chosen key is cut to 128 characters in the reported path', () => {
  const key = 'k'.repeat(10_000);
  const details = violation({ [key]: nested(3) })!.details as Array<{ property: string }>;
  expect(details[0]!.property).toBe('k'.repeat(128) + '….a.a');
});

test('the walk stops at the first violation and counts keys without building a key list', () => {
  const huge: Record<string, number> = {};
  for (let i = 0; i < 60_000; i++) huge[`k${i}`] = i;
  const start = process.hrtime.bigint();
  expect(violation(huge)).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX' });
  // Not a timing assertion: only a sanity bound far above the expected microseconds.
  expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(1000);
});

test('Infinity turns a limit off, and all three off compile to no check at all', () => {
  expect(compilePayloadLimits({ maxDepth: Infinity, maxKeys: Infinity, maxArrayLength: Infinity })).toBeUndefined();
  const keysOnly = compilePayloadLimits({ maxDepth: Infinity, maxKeys: 2, maxArrayLength: Infinity })!;
  expect(() => keysOnly(nested(500))).not.toThrow();
  expect(() => keysOnly(new Array(100_000).fill(0))).not.toThrow();
  expect(() => keysOnly({ a: 1, b: 2, c: 3 })).toThrow(WsException);
});
