import fc from 'fast-check';
import { encodeError, encodeMessage, encodeReply, eventPrefix, parseEnvelope } from '../../src/protocol/envelope';

test('a valid envelope parses with its event, payload and id', () => {
  expect(parseEnvelope('{"event":"a","payload":{"x":1},"id":"r1"}')).toEqual({ event: 'a', payload: { x: 1 }, id: 'r1' });
});

test('text that is not an envelope parses to undefined', () => {
  for (const text of ['', 'nope', '[]', '1', 'null', '"s"', '{}', '{"event":1}', '{"event":"a","id":{}}', '{"event":"a","id":true}']) {
    expect(parseEnvelope(text)).toBeUndefined();
  }
});

test('__proto__ and constructor keys are dropped at every depth', () => {
  const parsed = parseEnvelope('{"event":"a","payload":{"__proto__":{"x":1},"n":{"constructor":{"prototype":{"y":2}},"k":1}}}');
  expect(parsed?.payload).toEqual({ n: { k: 1 } });
  expect(Object.getPrototypeOf(parsed?.payload)).toBe(Object.prototype);
  expect(({} as Record<string, unknown>).x).toBeUndefined();
});

test('pushes never carry an id and omit an undefined payload', () => {
  expect(JSON.parse(encodeMessage('e', { a: 1 }))).toEqual({ event: 'e', payload: { a: 1 } });
  expect(JSON.parse(encodeMessage('e'))).toEqual({ event: 'e' });
});

test('replies carry the id when the request had one', () => {
  expect(JSON.parse(encodeReply(eventPrefix('e'), [1], 5))).toEqual({ event: 'e', payload: [1], id: 5 });
  expect(JSON.parse(encodeReply(eventPrefix('e'), null, undefined))).toEqual({ event: 'e', payload: null });
});

test('event names with quotes are escaped', () => {
  expect(JSON.parse(encodeMessage('a"b', 1))).toEqual({ event: 'a"b', payload: 1 });
});

test('errors encode code, message, event and details, and survive un-serializable details', () => {
  expect(JSON.parse(encodeError({ code: 'C', message: 'm', event: 'e', details: [1] }, 'i'))).toEqual({
    event: 'error',
    payload: { code: 'C', message: 'm', event: 'e', details: [1] },
    id: 'i',
  });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  expect(JSON.parse(encodeError({ code: 'C', message: 'm', details: circular }))).toEqual({ event: 'error', payload: { code: 'C', message: 'm' } });
});

describe('prototype pollution, every spelling', () => {
  const hasOwn = (value: unknown, key: string): boolean => value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key);

  // Every own key of every object, at every depth.
  function ownKeys(value: unknown, out: string[] = []): string[] {
    if (value !== null && typeof value === 'object') {
      out.push(...Object.keys(value));
      if (Object.getPrototypeOf(value) !== Object.prototype && !Array.isArray(value)) out.push('<prototype changed>');
      for (const child of Object.values(value)) ownKeys(child, out);
    }
    return out;
  }

  test('JSON-escaped __proto__ and constructor keys are dropped like literal ones, at every depth', () => {
    const text =
      '{"event":"a","payload":{"\\u005f_proto__":{"x":1},"n":{"\\u0063onstructor":{"prototype":{"y":2}},"k":1},' +
      '"list":[{"__pr\\u006Fto__":{"z":3},"c\\u006fnstructor":"plain"}],"ok":"\\u00e9"}}';
    const parsed = parseEnvelope(text);
    expect(parsed?.payload).toEqual({ n: { k: 1 }, list: [{}], ok: 'é' });
    expect(ownKeys(parsed)).not.toEqual(expect.arrayContaining(['__proto__']));
    expect(({} as Record<string, unknown>).x ?? ({} as Record<string, unknown>).z).toBeUndefined();
  });

  test('a constructor key is dropped whatever its value, so a naive merge cannot reach Object', () => {
    const parsed = parseEnvelope('{"event":"a","payload":{"constructor":{"assign":0},"b":{"\\u0063onstructor":1}}}');
    expect(parsed?.payload).toEqual({ b: {} });
  });

  test('a BOM is refused on the secure path as on the plain one', () => {
    expect(parseEnvelope('\uFEFF{"event":"a"}')).toBeUndefined();
    expect(parseEnvelope('\uFEFF{"event":"a","payload":{"\\u0063":1}}')).toBeUndefined();
  });

  // Each letter of the word either literal or as a \uXXXX escape with random hex case.
  const spelling = (word: string) =>
    fc.tuple(...[...word].map((ch) => fc.tuple(fc.boolean(), fc.boolean()).map(([escape, upper]) => {
      if (!escape) return ch;
      const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
      return '\\u' + (upper ? hex.toUpperCase() : hex);
    }))).map((letters) => letters.join(''));
  const dangerous = fc.oneof(spelling('__proto__'), spelling('constructor'));
  const safeKey = fc.constantFrom('a', 'b', 'name', 'proto', 'constructors', '_proto_', 'prototype');
  const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s)), fc.constant('null'), fc.constant('{"polluted":true}'), fc.constant('{"prototype":{"polluted":true}}'));
  // JSON text of a value in which dangerous keys may sit at any depth, in objects and in arrays.
  const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf.map(String),
      fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(fc.oneof(dangerous, safeKey), tie('value')), { maxLength: 4 })
        .map((entries) => `{${entries.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
    ),
  })).value;

  test('property: no spelling of __proto__ or constructor survives parsing, and nothing else is lost', () => {
    const drop = (key: string, value: unknown) => (key === '__proto__' || key === 'constructor' ? undefined : value);
    fc.assert(
      fc.property(jsonText, fc.boolean(), (payload, atTop) => {
        const text = `{${atTop ? '"\\u005f\\u005fproto__":{"event":"x"},' : ''}"event":"e","payload":${payload}}`;
        const parsed = parseEnvelope(text);
        expect(parsed).toBeDefined();
        const keys = ownKeys(parsed);
        expect(keys).not.toContain('__proto__');
        expect(keys).not.toContain('constructor');
        expect(keys).not.toContain('<prototype changed>');
        // Same result as a reviver that sees the decoded keys (the slow but obviously right way).
        expect(parsed).toEqual(JSON.parse(text, drop));
        expect(hasOwn(Object.prototype, 'polluted')).toBe(false);
        expect(parsed?.event).toBe('e');
      }),
      { numRuns: 2000 },
    );
  });
});
