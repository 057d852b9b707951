/** The W3C fields as read from clients and peers, and as written into Redis packets. */
import * as api from '@opentelemetry/api';
import { decodeBroadcast, encodeBroadcast } from '../../src/redis/wire';
import { formatTraceparent, parseTraceparent } from '../../src/tracing/trace-context';
import { CLIENT_SPAN_ID, TRACE_ID, TRACEPARENT } from './tracing-app';

test('a version-00 traceparent becomes a remote span context with its sampled flag and tracestate', () => {
  expect(parseTraceparent(api, TRACEPARENT, 'a=1,b=2')).toMatchObject({ traceId: TRACE_ID, spanId: CLIENT_SPAN_ID, traceFlags: 1, isRemote: true });
  expect(parseTraceparent(api, TRACEPARENT, 'a=1,b=2')?.traceState?.get('b')).toBe('2');
  expect(parseTraceparent(api, `00-${TRACE_ID}-${CLIENT_SPAN_ID}-00`, undefined)?.traceFlags).toBe(0);
});

test('a later version is read for its known fields; its other flag bits are dropped', () => {
  expect(parseTraceparent(api, `01-${TRACE_ID}-${CLIENT_SPAN_ID}-03-more`, undefined)).toMatchObject({ traceId: TRACE_ID, traceFlags: 1 });
});

test.each([
  ['all-zero trace id', `00-${'0'.repeat(32)}-${CLIENT_SPAN_ID}-01`],
  ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
  ['version ff', `ff-${TRACE_ID}-${CLIENT_SPAN_ID}-01`],
  ['version 00 with a suffix', `${TRACEPARENT}-x`],
  ['upper case', TRACEPARENT.toUpperCase()],
  ['short span id', `00-${TRACE_ID}-${CLIENT_SPAN_ID.slice(1)}-01`],
  ['huge', `01-${TRACE_ID}-${CLIENT_SPAN_ID}-01-${'a'.repeat(1_000_000)}`],
  ['empty', ''],
])('a traceparent that is %s is ignored', (_what, value) => {
  expect(parseTraceparent(api, value, undefined)).toBeUndefined();
});

test('values that are not strings are ignored, and an oversized tracestate is dropped', () => {
  for (const value of [undefined, null, 42, {}, [TRACEPARENT]]) expect(parseTraceparent(api, value, undefined)).toBeUndefined();
  expect(parseTraceparent(api, TRACEPARENT, `a=${'x'.repeat(600)}`)?.traceState).toBeUndefined();
});

test('format writes what parse reads', () => {
  const context = parseTraceparent(api, TRACEPARENT, 'v=1')!;
  expect(formatTraceparent(context)).toEqual({ traceparent: TRACEPARENT, tracestate: 'v=1' });
  expect(formatTraceparent({ traceId: TRACE_ID, spanId: CLIENT_SPAN_ID, traceFlags: 0 })).toEqual({ traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-00` });
});

test('a Redis broadcast carries the trace context in its header, and packets without one stay as they were', () => {
  const data = '{"event":"x","payload":1}';
  const traced = decodeBroadcast(encodeBroadcast('n1', { data, rooms: ['r'], trace: { traceparent: TRACEPARENT, tracestate: 'v=1' } }));
  expect(traced?.packet).toEqual({ data, rooms: ['r'], trace: { traceparent: TRACEPARENT, tracestate: 'v=1' } });
  const plain = encodeBroadcast('n1', { data, rooms: ['r'] });
  expect(JSON.parse(plain.slice(0, plain.indexOf('\n')))).not.toHaveProperty('t'); // untraced: the header has no trace fields
  expect(decodeBroadcast(plain)?.packet).toEqual({ data, rooms: ['r'] });
  // A header from a newer node with fields of other types: the trace is ignored, the packet delivered.
  expect(decodeBroadcast(`{"n":"n2","t":5}\n${data}`)?.packet).toEqual({ data });
});
