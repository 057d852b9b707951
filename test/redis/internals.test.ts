import { PendingRequests } from '../../src/redis/pending-requests';
import { decodeBroadcast, encodeBroadcast, REDIS_PROTOCOL_VERSION } from '../../src/redis/wire';
import { parseXRead } from '../../src/redis/inbox-reader';

test('a gather resolves as soon as every expected node replied, and forgets the request', async () => {
  const pending = new PendingRequests();
  const gathered = pending.gather('q1', ['n1', 'n2'], 10_000);
  pending.reply('q1', 'n1', 1);
  pending.reply('q1', 'n1', 99); // a duplicate is ignored
  pending.reply('q1', 'n2', 2);
  expect([...(await gathered)]).toEqual([
    ['n1', 1],
    ['n2', 2],
  ]);
  expect(pending.size).toBe(0);
});

test('a gather that times out resolves with the replies that arrived', async () => {
  const pending = new PendingRequests();
  const gathered = pending.gather('q2', ['n1', 'stalled'], 50);
  pending.reply('q2', 'n1', ['a']);
  expect([...(await gathered)]).toEqual([['n1', ['a']]]);
  expect(pending.size).toBe(0);
});

test('a node that leaves is no longer waited for', async () => {
  const pending = new PendingRequests();
  const gathered = pending.gather('q3', ['n1', 'leaving'], 10_000);
  pending.reply('q3', 'n1', true);
  pending.nodeGone('leaving');
  expect((await gathered).size).toBe(1);
});

test('a single request resolves with its reply, or undefined at its timeout', async () => {
  const pending = new PendingRequests();
  const answered = pending.single('s1', 10_000);
  pending.reply('s1', 'n1', true);
  expect(await answered).toBe(true);
  expect(await pending.single('s2', 20)).toBeUndefined();
  expect(pending.size).toBe(0);
});

test('a broadcast crosses Redis as a header line and the envelope exactly as encoded', () => {
  const data = '{"event":"news","payload":"line one\\nline two"}';
  const message = encodeBroadcast('node-1', { data, rooms: ['a', 'b'], except: ['c'], path: '/chat' });
  expect(message.endsWith(`\n${data}`)).toBe(true);
  expect(decodeBroadcast(message)).toEqual({
    nodeId: 'node-1',
    version: REDIS_PROTOCOL_VERSION,
    packet: { data, rooms: ['a', 'b'], except: ['c'], path: '/chat' },
  });
  expect(decodeBroadcast('garbage')).toBeUndefined();
});

test('XREAD replies are read in both RESP2 and RESP3 shapes', () => {
  expect(parseXRead(null)).toEqual([]);
  expect(parseXRead([['inbox', [['1-0', ['m', '{}', 'd', 'x']]]]])).toEqual([['1-0', { m: '{}', d: 'x' }]]);
  expect(parseXRead(new Map([['inbox', [['2-0', ['m', '{}']]]]]))).toEqual([['2-0', { m: '{}' }]]);
});

test('the broadcast header carries the protocol version; a header without one is version 1', () => {
  const message = encodeBroadcast('node-1', { data: '{"event":"x"}' });
  expect(JSON.parse(message.slice(0, message.indexOf('\n')))).toEqual({
    n: 'node-1',
    w: REDIS_PROTOCOL_VERSION,
  });
  expect(decodeBroadcast('{"n":"old-node"}\n{"event":"x"}')?.version).toBe(1);
  expect(decodeBroadcast('{"n":"new-node","w":2}\n{"event":"x"}')?.version).toBe(2);
  expect(decodeBroadcast('{"n":"odd-node","w":"2"}\n{"event":"x"}')?.version).toBeNaN();
});

test('the trace context still crosses in the header next to the version', () => {
  const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };
  const decoded = decodeBroadcast(encodeBroadcast('node-1', { data: '{"event":"x"}', trace }));
  expect(decoded).toEqual({
    nodeId: 'node-1',
    version: REDIS_PROTOCOL_VERSION,
    packet: { data: '{"event":"x"}', trace },
  });
});
