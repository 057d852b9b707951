import { Offsets } from '../../src/client/offsets';
import { MAX_OFFSETS_PARAM, offsetsJson } from '../../src/client/resume-query';

const encoded = (json: string): number => encodeURIComponent(json).length;
// The server refuses to resume past this (UTF-8 bytes of the JSON).
const SERVER_LIMIT = 8192;

function offsets(rooms: Array<[string, string]>, logs: string[] = []): Offsets {
  const result = new Offsets();
  for (const [room, offset] of rooms) expect(result.accept(room, offset)).toBe(true);
  for (const offset of logs) expect(result.accept(undefined, offset)).toBe(true);
  return result;
}

test('the offsets JSON is the design’s form: rooms, direct with its d, broadcast with its b', () => {
  const json = offsetsJson(offsets([['general', '1733100000000-3']], ['d1733100000000-7', 'b1733100000000-0']));
  expect(JSON.parse(json)).toEqual({ rooms: { general: '1733100000000-3' }, direct: 'd1733100000000-7', broadcast: 'b1733100000000-0' });
});

test('with nothing received the offsets JSON is {}', () => {
  expect(offsetsJson(new Offsets())).toBe('{}');
});

test('past the bound the rooms updated longest ago are left out, and direct and broadcast stay', () => {
  const rooms: Array<[string, string]> = [];
  for (let i = 0; i < 400; i++) rooms.push([`room-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`, `1733100000000-${i}`]);
  const state = offsets(rooms, ['d1-0', 'b2-0']);
  // room-0000 gets a new push: it is the most recent now and must stay.
  state.accept(rooms[0]![0], '1733100000001-0');
  const json = offsetsJson(state);
  expect(encoded(json)).toBeLessThanOrEqual(MAX_OFFSETS_PARAM);
  expect(encoded(json)).toBeGreaterThan(MAX_OFFSETS_PARAM - 80); // no more left out than needed
  expect(Buffer.byteLength(json)).toBeLessThanOrEqual(SERVER_LIMIT);
  const parsed = JSON.parse(json) as { rooms: Record<string, string>; direct: string; broadcast: string };
  expect(parsed.direct).toBe('d1-0');
  expect(parsed.broadcast).toBe('b2-0');
  const kept = Object.keys(parsed.rooms);
  expect(kept.length).toBeLessThan(400);
  expect(kept).toContain(rooms[0]![0]);
  expect(kept).toContain(rooms[399]![0]);
  expect(kept).not.toContain(rooms[1]![0]);
  // What is left out is a run of the oldest updates.
  const first = rooms.findIndex(([room], i) => i > 0 && kept.includes(room));
  expect(kept.length).toBe(400 - first + 1);
});

test('the bound counts the URL-encoded form: multi-byte and escaped room names take their encoded length', () => {
  const rooms: Array<[string, string]> = [];
  for (let i = 0; i < 200; i++) rooms.push([`${i}-${'😀&"'.repeat(10)}`, `1-${i}`]);
  const json = offsetsJson(offsets(rooms));
  expect(encoded(json)).toBeLessThanOrEqual(MAX_OFFSETS_PARAM);
  expect(encoded(json)).toBeGreaterThan(MAX_OFFSETS_PARAM - 300);
  expect(Buffer.byteLength(json)).toBeLessThanOrEqual(SERVER_LIMIT);
});

test('a bound too small for any room keeps only direct and broadcast', () => {
  const json = offsetsJson(offsets([['a'.repeat(100), '1-0']], ['d1-0']), 50);
  expect(JSON.parse(json)).toEqual({ direct: 'd1-0' });
});

test('the bound is exact: a JSON of exactly the limit keeps every room, one character less drops the oldest', () => {
  const state = offsets([['a', '1-0'], ['b', '1-0']], ['b3-0']);
  const full = offsetsJson(state);
  expect(offsetsJson(state, encoded(full))).toBe(full);
  expect(JSON.parse(offsetsJson(state, encoded(full) - 1))).toEqual({ rooms: { b: '1-0' }, broadcast: 'b3-0' });
});
