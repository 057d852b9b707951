/** The broadcast header of a logged push: what the recovery script appends, and how nodes read it. */
import { broadcastHeader, decodeBroadcast, encodeBroadcast } from '../../src/redis/wire';
import { fieldMap, isStreamId, toLogRead, toRecord } from '../../src/redis/recovery-entries';

// What PUBLISH_SCRIPT sends: the header without its closing brace, the ids, the envelope.
const logged = (head: string, tail: string, data: string): string => `${head.slice(0, -1)}${tail}\n${data}`;

test('a logged room push carries its publisher sequence and one offset per room, in the order of its rooms', () => {
  const data = '{"event":"said","payload":"hi"}';
  const head = broadcastHeader('node-1', { data, rooms: ['a', '__proto__'], except: ['c'] }, 7);
  const decoded = decodeBroadcast(logged(head, ',"o":["1-0","1-0"]}', data));
  expect(decoded?.seq).toBe(7);
  expect(decoded?.packet).toEqual({
    data,
    rooms: ['a', '__proto__'],
    except: ['c'],
    offsets: { a: '1-0', ['__proto__']: '1-0' },
  });
  expect(Object.keys(decoded!.packet.offsets!)).toEqual(['a', '__proto__']);
  expect(Object.getPrototypeOf(decoded!.packet.offsets)).toBe(Object.prototype);
});

test('a logged broadcast gets a b-prefixed offset; a plain broadcast has no sequence or offsets', () => {
  const data = '{"event":"news"}';
  const decoded = decodeBroadcast(logged(broadcastHeader('n', { data }, 1), ',"b":"5-2"}', data));
  expect(decoded?.packet).toEqual({ data, offset: 'b5-2' });
  const plain = decodeBroadcast(encodeBroadcast('n', { data, rooms: ['r'] }));
  expect(plain?.seq).toBeUndefined();
  expect(plain?.packet).toEqual({ data, rooms: ['r'] });
  // Offsets that do not line up with the rooms are ignored, never misassigned.
  expect(decodeBroadcast(`{"n":"x","r":["a","b"],"o":["1-0"]}\n${data}`)?.packet.offsets).toBeUndefined();
});

test('offsets from clients are used in a range only when they are stream ids', () => {
  for (const good of ['0-0', '1733100000000-3', '9999999999999999999-9999999999999999999'])
    expect(isStreamId(good)).toBe(true);
  for (const bad of ['', '1', '1-', '-1', '(1-1', '1-1-1', ' 1-1', '99999999999999999999-0', '1-1\n'])
    expect(isStreamId(bad)).toBe(false);
});

test('a log read is a gap when the first entry after the offset does not name it, or when more than the maximum follow', () => {
  const entry = (id: string, prev: string) => [id, ['d', `{"event":"${id}"}`, 'p', prev]];
  expect(toLogRead([entry('2-0', '1-0'), entry('3-0', '2-0')], '1-0', 5, 'direct')).toEqual([
    { id: '2-0', data: '{"event":"2-0"}', at: 2 },
    { id: '3-0', data: '{"event":"3-0"}', at: 3 },
  ]);
  expect(toLogRead([entry('3-0', '2-0')], '1-0', 5, 'direct')).toBe('gap'); // 2-0 was trimmed
  expect(toLogRead([entry('5-0', '')], '1-0', 5, 'direct')).not.toBe('gap'); // the log started again
  expect(toLogRead([entry('2-0', '1-0'), entry('3-0', '2-0')], '1-0', 1, 'direct')).toBe('gap');
  expect(toLogRead([], '1-0', 1, 'broadcast')).toEqual([]);
});

test('hash replies are read in RESP2 and RESP3 shapes', () => {
  const flat = ['path', '/chat', 'secret', 's', 'r:general', '1-0', 'data', '{}'];
  const map = new Map([
    ['path', '/chat'],
    ['secret', 's'],
    ['r:general', '1-0'],
    ['data', '{}'],
  ]);
  expect(fieldMap(flat)).toEqual(fieldMap(map));
  expect(toRecord('x', map)).toEqual({
    id: 'x',
    path: '/chat',
    secret: 's',
    rooms: { general: '1-0' },
    broadcastFrom: '',
    directFrom: '',
    data: '{}',
  });
  expect(toRecord('x', [])).toBeUndefined();
  expect(toRecord('x', null)).toBeUndefined();
});
