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
