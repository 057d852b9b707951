import { InMemoryAdapter } from 'ws-controllers';
import { DurationBuckets } from '../../src/observability/duration-buckets';
import { eventOf, RAW_EVENT } from '../../src/observability/event-name';
import { timeAdapter } from '../../src/observability/timed-adapter';
import { OTHER_EVENT, TrafficStats } from '../../src/observability/traffic-stats';
import { encodeError, encodeMessage, encodeReply, eventPrefix } from '../../src/protocol/envelope';

test('the event of an encoded push, reply or error is read back without parsing the frame', () => {
  expect(eventOf(encodeMessage('chat:said', { text: 'hi' }))).toBe('chat:said');
  expect(eventOf(encodeReply(eventPrefix('echo'), { a: 1 }, 7))).toBe('echo');
  expect(eventOf(encodeError({ code: 'X', message: 'y' }))).toBe('error');
});

test('an event name with escaped characters is decoded exactly', () => {
  expect(eventOf(encodeMessage('say "hi"\\now', 1))).toBe('say "hi"\\now');
});

test('frames that are not envelopes count as raw', () => {
  expect(eventOf('plain text')).toBe(RAW_EVENT);
  expect(eventOf('{"payload":1,"event":"late"}')).toBe(RAW_EVENT);
  expect(eventOf('{"event":"unterminated')).toBe(RAW_EVENT);
});

test('duration buckets count each value under the first bound it does not exceed, and report them cumulatively', () => {
  const buckets = new DurationBuckets([0.001, 0.01, 0.1]);
  for (const value of [0.0005, 0.001, 0.005, 0.05, 3]) buckets.observe(value);
  expect(buckets.cumulative()).toEqual([2, 3, 4, 5]);
  expect(buckets.count).toBe(5);
  expect(buckets.sum).toBeCloseTo(3.0565);
});

test('out-event labels are capped so that server-made event names cannot grow the series without bound', () => {
  const stats = new TrafficStats([0.1], 10, 3);
  for (const event of ['a', 'b', 'c', 'd', 'e']) stats.onSend(encodeMessage(event), 1);
  expect([...stats.events.keys()]).toEqual(['a', 'b', 'c', OTHER_EVENT]);
  expect(stats.events.get(OTHER_EVENT)?.out).toBe(2);
});

test('the timed adapter view times each cluster operation and leaves every other member as it was', async () => {
  const adapter = new InMemoryAdapter();
  const times = new Map<string, DurationBuckets>();
  const timed = timeAdapter(adapter, times, [0.001, 1]);
  expect(timed).toBeInstanceOf(InMemoryAdapter);
  await timed.count();
  await timed.count();
  await timed.publish({ data: '{"event":"x"}' });
  expect(times.get('count')?.count).toBe(2);
  expect(times.get('publish')?.count).toBe(1);
  expect(timed.close).toBe(timed.close); // bound once, not per access
});

test('a failed adapter operation is timed and still rejects for its caller', async () => {
  const adapter = new InMemoryAdapter();
  adapter.members = () => Promise.reject(new Error('cluster down'));
  const times = new Map<string, DurationBuckets>();
  const timed = timeAdapter(adapter, times, [1]);
  await expect(timed.members('r')).rejects.toThrow('cluster down');
  expect(times.get('members')?.count).toBe(1);
});

test('frames are counted under their own event even when a recent event is a prefix of their name', () => {
  const stats = new TrafficStats([0.1], 10);
  for (const event of ['echo', 'echo2', 'echo', 'ech', 'echo2']) stats.onSend(encodeMessage(event, 1), 1);
  stats.onSend('{"event":"echo"-not-json', 1);
  expect(Object.fromEntries([...stats.events].map(([name, e]) => [name, e.out]))).toEqual({
    echo: 3,
    echo2: 2,
    ech: 1,
  });
});
