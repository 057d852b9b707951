import fc from 'fast-check';
import { WsException } from 'ws-controllers';
import { parseEnvelope } from '../../src/protocol/envelope';
import { PayloadOverLimit, scanStructure } from '../../src/protocol/structure-scan';
import {
  compilePayloadLimits,
  DEFAULT_PAYLOAD_LIMITS,
  type PayloadLimits,
} from '../../src/validation/payload-limits';

function keys(n: number, prefix = 'unknown_field_'): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) out[prefix + String(i).padStart(5, '0')] = i;
  return out;
}

function walkVerdict(payload: unknown, limits: PayloadLimits): string | undefined {
  try {
    compilePayloadLimits(limits)!(payload);
    return undefined;
  } catch (error) {
    return (error as WsException).code;
  }
}

test('a large frame over a limit is answered without JSON.parse ever seeing it', () => {
  const text = JSON.stringify({ event: 'item', payload: keys(60_000), id: 7 });
  expect(text.length).toBeGreaterThan(850_000);
  const parse = jest.spyOn(JSON, 'parse');
  try {
    const envelope = parseEnvelope(text, DEFAULT_PAYLOAD_LIMITS);
    expect(envelope).toEqual({ event: 'item', id: 7, payload: new PayloadOverLimit('maxPayloadKeys', '') });
    expect(parse.mock.calls.some(([arg]) => typeof arg === 'string' && arg.length > 1000)).toBe(false);
  } finally {
    parse.mockRestore();
  }
});

test('the id and event are found wherever they sit, and the path is relative to the payload', () => {
  const text = `{"id":"r-1","payload":{"a":[1,{"b":${JSON.stringify(keys(1001))}}]},"event":"e\\"vent"}`;
  expect(scanStructure(text, DEFAULT_PAYLOAD_LIMITS)).toEqual({
    overLimit: new PayloadOverLimit('maxPayloadKeys', 'a.1.b'),
    event: 'e"vent',
    id: 'r-1',
  });
  const long = `{"event":"e","payload":{"list":[${new Array(10_001).fill('"{[,\\""').join(',')}]}}`;
  expect(scanStructure(long, DEFAULT_PAYLOAD_LIMITS)?.overLimit).toEqual(
    new PayloadOverLimit('maxArrayLength', 'list'),
  );
  const deep = `{"event":"e","payload":${'['.repeat(33)}${']'.repeat(33)}}`;
  expect(scanStructure(deep, DEFAULT_PAYLOAD_LIMITS)?.overLimit).toEqual(
    new PayloadOverLimit('maxPayloadDepth', '0.'.repeat(31) + '0'),
  );
  expect(
    scanStructure(`{"event":"e","payload":${'['.repeat(32)}${']'.repeat(32)}}`, DEFAULT_PAYLOAD_LIMITS),
  ).toBeUndefined();
});

test('an envelope that itself has too many fields is no envelope (BAD_MESSAGE), and is not parsed either', () => {
  const text = JSON.stringify({ event: 'e', ...keys(2000) });
  expect(scanStructure(text, DEFAULT_PAYLOAD_LIMITS)).toEqual({
    overLimit: new PayloadOverLimit('maxPayloadKeys', ''),
  });
  expect(parseEnvelope(text, DEFAULT_PAYLOAD_LIMITS)).toBeUndefined();
  // A huge field beside the payload is bounded too.
  expect(
    parseEnvelope(JSON.stringify({ event: 'e', junk: keys(2000), id: 1 }), DEFAULT_PAYLOAD_LIMITS),
  ).toEqual({
    event: 'e',
    id: 1,
    payload: new PayloadOverLimit('maxPayloadKeys', 'junk'),
  });
});

test('small frames are left to the walk after parsing, and frames within the limits parse as before', () => {
  const small = JSON.stringify({ event: 'e', payload: keys(1001, 'k') });
  expect(small.length).toBeLessThan(16 * 1024);
  expect(parseEnvelope(small, DEFAULT_PAYLOAD_LIMITS)?.payload).toEqual(keys(1001, 'k'));
  const big = JSON.stringify({ event: 'e', payload: { rows: new Array(900).fill(keys(10)) }, id: 3 });
  expect(parseEnvelope(big, DEFAULT_PAYLOAD_LIMITS)).toEqual(JSON.parse(big));
});

// Strings full of the characters the scan cares about.
const trickyString = fc.string({
  unit: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', ' ', 'é'),
  maxLength: 6,
});
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), trickyString),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 8 }),
  ),
})).value;

test('property: the scan never refuses what the walk after parsing accepts, and catches what it refuses', () => {
  const limits = fc.record({
    maxDepth: fc.integer({ min: 1, max: 5 }),
    maxKeys: fc.integer({ min: 1, max: 6 }),
    maxArrayLength: fc.integer({ min: 1, max: 5 }),
  });
  const orders = fc.constantFrom(
    ['id', 'payload', 'event'],
    ['event', 'payload', 'id'],
    ['event', 'id', 'payload'],
    ['payload', 'event', 'id'],
  );
  fc.assert(
    fc.property(
      jsonValue,
      limits,
      fc.option(fc.oneof(fc.integer(), trickyString), { nil: undefined }),
      orders,
      (payload, l, id, order) => {
        const fields: Record<string, unknown> = { id, payload, event: 'e' };
        const text = JSON.stringify(Object.fromEntries(order.map((k) => [k, fields[k]])));
        const scanned = scanStructure(text, l);
        const walked = walkVerdict(payload, l);
        expect(scanned === undefined ? undefined : 'PAYLOAD_TOO_COMPLEX').toBe(walked);
        if (scanned !== undefined) {
          expect(scanned.event).toBe('e');
          expect(scanned.id).toEqual(id);
        }
      },
    ),
    { numRuns: 3000 },
  );
});
