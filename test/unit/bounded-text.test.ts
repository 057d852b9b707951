import { boundText, MAX_QUOTED_INPUT } from '../../src/util/bounded-text';

test('short text is kept as it is', () => {
  expect(boundText('room-1')).toBe('room-1');
  expect(boundText('x'.repeat(MAX_QUOTED_INPUT))).toBe('x'.repeat(MAX_QUOTED_INPUT));
});

test('longer text is cut to the limit, ellipsis included', () => {
  const cut = boundText('x'.repeat(10_000));
  expect(cut).toHaveLength(MAX_QUOTED_INPUT);
  expect(cut.endsWith('…')).toBe(true);
  expect(boundText('abcdef', 4)).toBe('abc…');
});

test('a surrogate pair is never split in two', () => {
  const cut = boundText('ab😀cd', 4);
  expect(cut).toBe('ab…');
  expect(() => encodeURIComponent(cut)).not.toThrow();
});
