/**
 * The Redis `RecoveryStore` on a real Redis: two stores on one Redis are two nodes of one cluster.
 * Logs (offsets, order, one round trip per push, gaps, history, TTL), sessions (claim, takeover,
 * detach and expiry once cluster-wide, a purged node's sessions), and Redis away.
 */
import type { BroadcastPacket } from 'ws-controllers';
import type { LoggedPush, RecoverySettings, SessionRecord } from '../../src/recovery/store';
import { NodeRedisDriver, RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import type { RedisRecoveryStore } from '../../src/redis/recovery-store';
import { eventually, redisCommand } from './support/cluster-helpers';
import { REMOVE_NODE_SCRIPT } from '../../src/redis/scripts';
import { CountingDriver } from './support/counting-driver';
import { FakeHost } from './support/fake-host';
import { describeRedis, RedisServer } from './support/redis-server';

const SETTINGS: RecoverySettings = { windowMs: 60_000, maxPerRoom: 100, historyTtlMs: 60_000 };

/** A fake node that records takeovers. */
class RecoveryHost extends FakeHost {
  readonly takenOver: string[] = [];

  takeOverLocal(clientId: string): boolean {
    this.takenOver.push(clientId);
    return true;
  }
}

interface Node {
  host: RecoveryHost;
  adapter: RedisAdapter;
  store: RedisRecoveryStore;
  driver: CountingDriver;
}

function record(id: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    path: '/chat',
    secret: `secret-${id}`,
    rooms: {},
    broadcastFrom: '',
    directFrom: '',
    data: '{}',
    ...extra,
  };
}

function envelope(n: number): string {
  return JSON.stringify({ event: 'msg', payload: n });
}

/** Compares stream ids as (ms, n). */
function before(a: string, b: string): boolean {
  const [am, an] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bn] = b.split('-').map(BigInt) as [bigint, bigint];
  return am < bm || (am === bm && an < bn);
}

function ids(read: readonly LoggedPush[] | 'gap'): string[] | 'gap' {
  return read === 'gap' ? 'gap' : read.map((push) => push.id);
}

describeRedis('RedisRecoveryStore (two nodes on one Redis)', () => {
  const redis = new RedisServer();
  let prefix = '';
  let run = 0;
  let nodes: Node[] = [];

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  beforeEach(() => {
    prefix = `rec-${++run}`;
    nodes = [];
  });
  afterEach(async () => {
    await Promise.all(
      nodes.map(async (node) => {
        await node.store.close();
        await node.adapter.close({ timeoutMs: 1000 });
      }),
    );
  });

  async function node(options: Partial<RedisAdapterOptions> = {}, settings = SETTINGS): Promise<Node> {
    const host = new RecoveryHost();
    const driver = new CountingDriver(new NodeRedisDriver({ url: redis.url, maxQueuedCommands: 10_000 }));
    // Slow heartbeats unless a test needs them: nothing else crosses Redis while commands are counted.
    const adapter = new RedisAdapter({
      driver,
      keyPrefix: prefix,
      logger: false,
      nodeTimeoutMs: 600_000,
      heartbeatMs: 200_000,
      ...options,
    });
    await adapter.init(host);
    const store = adapter.recoveryStore(host, settings) as RedisRecoveryStore;
    const made = { host, adapter, store, driver };
    nodes.push(made);
    return made;
  }

  const roomPushes = (host: FakeHost): BroadcastPacket[] =>
    host.broadcasts.filter((p) => p.offsets !== undefined);

  test('a room push gets increasing offsets and every node, the publishing one included, delivers it in log order', async () => {
    const [a, b] = [await node(), await node()];
    const sent: BroadcastPacket[] = [];
    for (let i = 0; i < 20; i++) {
      const packet: BroadcastPacket = { data: envelope(i), rooms: ['general'] };
      sent.push(packet);
      const publisher = i % 2 === 0 ? a : b;
      await publisher.store.publish(packet);
      // Resolved once delivered here too.
      expect(roomPushes(publisher.host).at(-1)?.offsets).toEqual(packet.offsets);
    }
    const offsets = sent.map((p) => p.offsets!.general!);
    for (let i = 1; i < offsets.length; i++) expect(before(offsets[i - 1]!, offsets[i]!)).toBe(true);
    // Each publisher delivered its own push by the time it resolved; the other node gets it from pub/sub.
    await eventually(
      () => roomPushes(a.host).length === 20 && roomPushes(b.host).length === 20,
      2000,
      'delivery on both nodes',
    );
    expect(roomPushes(a.host).map((p) => p.offsets!.general)).toEqual(offsets);
    expect(roomPushes(b.host).map((p) => [p.offsets!.general, p.data])).toEqual(
      sent.map((p) => [p.offsets!.general, p.data]),
    );
    expect(
      ids(
        await a.store
          .read('x', { rooms: { general: offsets[14]! }, direct: '', broadcast: '' }, 100)
          .then((r) => r.rooms.general!),
      ),
    ).toEqual(offsets.slice(15));
  });

  test('pushes published at once from two nodes are delivered in one order, the log order, on both', async () => {
    const [a, b] = [await node(), await node()];
    const sent = Array.from({ length: 60 }, (_, i): BroadcastPacket => ({
      data: envelope(i),
      rooms: ['race'],
    }));
    await Promise.all(sent.map((packet, i) => (i % 2 ? a : b).store.publish(packet)));
    const logOrder = (await a.store.history('race', 100)).map((p) => p.id);
    expect([...logOrder].sort((x, y) => (before(x, y) ? -1 : 1))).toEqual(logOrder);
    await eventually(
      () => roomPushes(a.host).length === 60 && roomPushes(b.host).length === 60,
      3000,
      'delivery',
    );
    expect(roomPushes(a.host).map((p) => p.offsets!.race)).toEqual(logOrder);
    expect(roomPushes(b.host).map((p) => p.offsets!.race)).toEqual(logOrder);
  });

  test('ids of different logs sort in push order (one clock), and a push to several rooms has one id', async () => {
    const [a, b] = [await node(), await node()];
    const sent: BroadcastPacket[] = [];
    for (let i = 0; i < 40; i++) {
      const packet: BroadcastPacket =
        i % 5 === 4
          ? { data: envelope(i) }
          : { data: envelope(i), rooms: i % 3 ? [`r${i % 4}`] : ['r1', 'r2'] };
      sent.push(packet);
      await (i % 2 ? a : b).store.publish(packet);
    }
    const ids = sent.map((p) => (p.offset !== undefined ? p.offset.slice(1) : Object.values(p.offsets!)[0]!));
    for (let i = 1; i < ids.length; i++)
      expect({ i, ordered: before(ids[i - 1]!, ids[i]!) }).toEqual({ i, ordered: true });
    for (const p of sent.filter((p) => p.rooms?.length === 2)) expect(p.offsets!.r1).toBe(p.offsets!.r2);
    // A detached session's direct push comes after every push before it, even past ids its node chose.
    await a.store.create(record('o1'));
    a.store.appendDirect('o1', '1-5', envelope(0));
    await a.store.detach('o1', '{}', Date.now() + 60_000);
    expect(await b.store.sendDetached('o1', envelope(1))).toBe(true);
    const direct = (await a.store.read('o1', { rooms: {}, direct: '1-5', broadcast: '' }, 10))
      .direct as LoggedPush[];
    expect(direct).toHaveLength(1);
    expect(before(ids.at(-1)!, direct[0]!.id)).toBe(true);
  });

  test('a push costs one Redis round trip, for one room or fifty', async () => {
    const a = await node();
    await a.store.publish({ data: envelope(0), rooms: ['warm'] }); // loads the script (EVALSHA then EVAL once)
    const rooms = Array.from({ length: 50 }, (_, i) => `room-${i}`);
    for (const list of [['one'], rooms]) {
      const startCount = a.driver.commands;
      await a.store.publish({ data: envelope(1), rooms: list });
      expect({ rooms: list.length, commands: a.driver.commands - startCount }).toEqual({
        rooms: list.length,
        commands: 1,
      });
    }
    const startCount = a.driver.commands;
    await a.store.publish({ data: envelope(2) });
    expect(a.driver.commands - startCount).toBe(1);
    // Inside Redis it was one script per push too.
    const [info] = await redisCommand<string>(redis.url, ['INFO', 'commandstats']);
    expect(info).toMatch(/cmdstat_evalsha:calls=\d+/);
  });

  test('a push to several rooms is logged once in each, with every room, and delivered once per node', async () => {
    const [a, b] = [await node(), await node()];
    const packet: BroadcastPacket = {
      data: envelope(7),
      rooms: ['r1', 'r2', 'r3'],
      except: ['sender'],
      path: '/chat',
    };
    await a.store.publish(packet);
    expect(Object.keys(packet.offsets!)).toEqual(['r1', 'r2', 'r3']);
    await eventually(() => roomPushes(b.host).length === 1, 2000, 'delivery');
    expect(roomPushes(b.host)[0]).toMatchObject({
      data: packet.data,
      rooms: packet.rooms,
      except: ['sender'],
      path: '/chat',
      offsets: packet.offsets,
    });
    expect(roomPushes(a.host)).toHaveLength(1);
    for (const room of ['r1', 'r2', 'r3'])
      expect(await b.store.history(room, 10)).toEqual([
        {
          id: packet.offsets![room],
          data: packet.data,
          at: expect.any(Number),
          rooms: ['r1', 'r2', 'r3'],
          except: ['sender'],
          path: '/chat',
        },
      ]);
  });

  test('a broadcast goes to the broadcast log with a b-prefixed offset', async () => {
    const [a, b] = [await node(), await node()];
    const first: BroadcastPacket = { data: envelope(1), path: '/chat' };
    const second: BroadcastPacket = { data: envelope(2) };
    await a.store.publish(first);
    await b.store.publish(second);
    expect(first.offset).toMatch(/^b\d+-\d+$/);
    expect(before(first.offset!.slice(1), second.offset!.slice(1))).toBe(true);
    await eventually(
      () => b.host.broadcasts.length === 2 && a.host.broadcasts.length === 2,
      2000,
      'delivery',
    );
    expect(a.host.broadcasts.map((p) => p.offset)).toEqual([first.offset, second.offset]);
    const read = await b.store.read('x', { rooms: {}, direct: '', broadcast: first.offset!.slice(1) }, 10);
    expect(read.broadcast).toEqual([
      { id: second.offset!.slice(1), data: second.data, at: expect.any(Number) },
    ]);
    const all = await b.store.read('x', { rooms: {}, direct: '', broadcast: '' }, 10);
    expect(ids(all.broadcast)).toEqual([first.offset!.slice(1), second.offset!.slice(1)]);
    expect((all.broadcast as LoggedPush[])[0]!.path).toBe('/chat');
  });

  test('more missed than the maximum is a gap; exactly the maximum is not', async () => {
    const a = await node();
    const offsets: string[] = [];
    for (let i = 0; i < 11; i++) {
      const packet: BroadcastPacket = { data: envelope(i), rooms: ['busy'] };
      await a.store.publish(packet);
      offsets.push(packet.offsets!.busy!);
    }
    const from = (id: string) => ({ rooms: { busy: id }, direct: '', broadcast: '' });
    expect((await a.store.read('x', from(offsets[0]!), 9)).rooms.busy).toBe('gap');
    expect(ids((await a.store.read('x', from(offsets[0]!), 10)).rooms.busy!)).toEqual(offsets.slice(1));
    expect(ids((await a.store.read('x', from(offsets[10]!), 10)).rooms.busy!)).toEqual([]);
  });

  test('a log trimmed past the offset is a gap, even when what is left is few', async () => {
    const a = await node({}, { ...SETTINGS, maxPerRoom: 5 });
    const offsets: string[] = [];
    for (let i = 0; i < 10; i++) {
      const packet: BroadcastPacket = { data: envelope(i), rooms: ['small'] };
      await a.store.publish(packet);
      offsets.push(packet.offsets!.small!);
    }
    const [length] = await redisCommand<number>(redis.url, ['XLEN', `${prefix}:{room:small}:log`]);
    expect(length).toBe(5);
    const read = (id: string) => a.store.read('x', { rooms: { small: id }, direct: '', broadcast: '' }, 100);
    expect((await read(offsets[1]!)).rooms.small).toBe('gap'); // 2..4 were trimmed
    expect((await read('')).rooms.small).toBe('gap'); // joined when the log was empty: 0..4 were trimmed
    expect(ids((await read(offsets[4]!)).rooms.small!)).toEqual(offsets.slice(5)); // 4 is gone, nothing after it is
    expect(ids((await read(offsets[6]!)).rooms.small!)).toEqual(offsets.slice(7));
  });

  test('an offset that is no stream id is a gap, not an error', async () => {
    const a = await node();
    await a.store.publish({ data: envelope(1), rooms: ['r'] });
    const read = await a.store.read(
      'x',
      { rooms: { r: 'nonsense', other: '99999999999999999999-1' }, direct: '1-', broadcast: '(1-1' },
      10,
    );
    expect(read).toEqual({ rooms: { r: 'gap', other: 'gap' }, direct: 'gap', broadcast: 'gap' });
  });

  test('history returns the newest pushes, newest last, at most the limit', async () => {
    const a = await node();
    const sent: string[] = [];
    for (let i = 0; i < 8; i++) {
      const packet: BroadcastPacket = { data: envelope(i), rooms: ['chat'] };
      await a.store.publish(packet);
      sent.push(packet.offsets!.chat!);
    }
    const last3 = await a.store.history('chat', 3);
    expect(last3.map((p) => [p.id, p.data])).toEqual([5, 6, 7].map((i) => [sent[i], envelope(i)]));
    expect(last3.every((p) => p.rooms?.[0] === 'chat' && p.at > Date.now() - 60_000)).toBe(true);
    expect(await a.store.history('chat', 0)).toEqual([]);
    expect(await a.store.history('nobody-here', 10)).toEqual([]);
  });

  test('room logs get the history TTL, refreshed by every push, and vanish when idle', async () => {
    const a = await node({}, { ...SETTINGS, historyTtlMs: 2000 });
    await a.store.publish({ data: envelope(1), rooms: ['brief'] });
    await a.store.publish({ data: envelope(1) });
    const [ttl, broadcastTtl] = await redisCommand<number>(
      redis.url,
      ['PTTL', `${prefix}:{room:brief}:log`],
      ['PTTL', `${prefix}:{b}:log`],
    );
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(broadcastTtl).toBeGreaterThan(0);
    await eventually(async () => (await a.store.history('brief', 10)).length === 0, 6000, 'idle log dropped');
  });

  test('a session is created, read, and records its rooms with their join points', async () => {
    const [a, b] = [await node(), await node()];
    const packet: BroadcastPacket = { data: envelope(1), rooms: ['lobby'] };
    await a.store.publish(packet);
    await a.store.create(record('c1', { rooms: { old: '1-1' }, data: '{"name":"ann"}' }));
    await a.store.joined('c1', 'lobby');
    await a.store.joined('c1', 'empty');
    await a.store.left('c1', 'old');
    expect(await b.store.get('c1')).toEqual({
      ...record('c1', { data: '{"name":"ann"}' }),
      rooms: { lobby: packet.offsets!.lobby, empty: '' },
      node: a.host.nodeId,
    });
    expect(await b.store.get('unknown')).toBeUndefined();
    await a.store.joined('unknown', 'lobby'); // no session: nothing is created
    expect(await b.store.get('unknown')).toBeUndefined();
  });

  test('a new session starts its logs at their last ids now, and a room it is in keeps its join point', async () => {
    const a = await node();
    const room: BroadcastPacket = { data: envelope(1), rooms: ['lobby'] };
    const broadcast: BroadcastPacket = { data: envelope(2) };
    await a.store.publish(room);
    await a.store.publish(broadcast);
    await a.store.create(record('n1', { rooms: { lobby: '', quiet: '' } }));
    expect(await a.store.get('n1')).toMatchObject({
      rooms: { lobby: room.offsets!.lobby, quiet: '' },
      broadcastFrom: broadcast.offset!.slice(1),
      directFrom: '',
    });
    await a.store.publish({ data: envelope(3), rooms: ['lobby'] });
    await a.store.joined('n1', 'lobby');
    expect((await a.store.get('n1'))?.rooms.lobby).toBe(room.offsets!.lobby);
  });

  test('a claim of a session this node still holds takes over its local connection', async () => {
    const a = await node();
    await a.store.create(record('t1'));
    expect((await a.store.claim('t1', 'secret-t1'))?.previousNode).toBe(a.host.nodeId);
    expect(a.host.takenOver).toEqual(['t1']);
  });

  test('a room named __proto__ is an ordinary room of the record', async () => {
    const a = await node();
    await a.store.create(record('p1', { rooms: { __proto__: '' } as unknown as Record<string, string> }));
    await a.store.joined('p1', '__proto__');
    const got = await a.store.get('p1');
    expect(Object.keys(got!.rooms)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(got!.rooms)).toBe(Object.prototype);
  });

  test('claim checks the secret, takes the session from the node holding it and tells that node', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('c2'));
    expect(await b.store.claim('c2', 'wrong')).toBeUndefined();
    expect(await b.store.claim('nobody', 'secret-nobody')).toBeUndefined();
    const claimed = await b.store.claim('c2', 'secret-c2');
    expect(claimed).toEqual({
      record: { ...record('c2'), node: b.host.nodeId },
      previousNode: a.host.nodeId,
      directLast: '',
    });
    await eventually(() => a.host.takenOver.includes('c2'), 3000, 'takeover on the old node');
    // The old node's drop comes too late: the session is not its own any more.
    expect(await a.store.detach('c2', '{}', Date.now() + 1000)).toBe(false);
    expect((await a.store.get('c2'))?.node).toBe(b.host.nodeId);
    const [heldA, heldB] = await redisCommand<string[]>(
      redis.url,
      ['SMEMBERS', `${prefix}:recovery:node:${a.host.nodeId}:sessions`],
      ['SMEMBERS', `${prefix}:recovery:node:${b.host.nodeId}:sessions`],
    );
    expect([heldA, heldB]).toEqual([[], ['c2']]);
  });

  test('a direct push is logged only by the node holding the session: not after a resume elsewhere took it', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('h1'));
    expect(await a.store.appendDirect('h1', '10-1', envelope(1))).toBe(true);
    await b.store.claim('h1', 'secret-h1');
    // a's connection is half-open now: b's replay read may already have run, so a's push must not count.
    expect(await a.store.appendDirect('h1', '10-2', envelope(2))).toBe(false);
    expect(await b.store.appendDirect('h1', '10-3', envelope(3))).toBe(true);
    expect(await b.store.appendDirect('h1', '10-3', envelope(4))).toBe(false); // not above the log's last id
    const direct = (await b.store.read('h1', { rooms: {}, direct: '', broadcast: '' }, 10)).direct as LoggedPush[];
    expect(direct.map((p) => p.id)).toEqual(['10-1', '10-3']);
  });

  test('a detached session is claimed in its window with its saved data, never after', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('c3'));
    a.store.appendDirect('c3', '5-1', envelope(1));
    expect(await a.store.detach('c3', '{"saved":true}', Date.now() + 60_000)).toBe(true);
    const detached = await b.store.get('c3');
    expect(detached).toMatchObject({ data: '{"saved":true}', expiresAt: expect.any(Number) });
    expect(detached?.node).toBeUndefined();
    const claimed = await b.store.claim('c3', 'secret-c3');
    expect(claimed).toMatchObject({
      record: { data: '{"saved":true}', node: b.host.nodeId },
      directLast: '5-1',
    });
    expect(claimed?.previousNode).toBeUndefined();
    expect(claimed?.record.expiresAt).toBeUndefined();

    await b.store.create(record('c4'));
    expect(await b.store.detach('c4', '{}', Date.now() - 1)).toBe(true);
    expect(await a.store.claim('c4', 'secret-c4')).toBeUndefined();
  });

  test('an expired session is taken by exactly one node, once', async () => {
    const [a, b] = [await node(), await node()];
    // The window's end is given; takeExpired is asked "as of" times around it (no waiting).
    const expiresAt = Date.now() + 30_000;
    for (let i = 0; i < 30; i++) {
      await (i % 2 ? a : b).store.create(record(`e${i}`));
      await (i % 2 ? a : b).store.detach(`e${i}`, `{"i":${i}}`, expiresAt);
    }
    await a.store.create(record('still-held'));
    expect(await a.store.takeExpired(expiresAt - 1, 100)).toEqual([]);
    const now = expiresAt;
    const taken = (await Promise.all([a, b, a, b].map((n) => n.store.takeExpired(now, 10)))).flat();
    taken.push(...(await a.store.takeExpired(now, 100)));
    expect(taken.map((r) => r.id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `e${i}`).sort());
    expect(taken.find((r) => r.id === 'e3')).toMatchObject({ data: '{"i":3}', path: '/chat', expiresAt });
    expect(await b.store.takeExpired(expiresAt + 60_000, 100)).toEqual([]);
    expect(await b.store.get('e3')).toBeUndefined();
    expect(await b.store.get('still-held')).toBeDefined();
  });

  test('direct pushes: written behind by the holding node, logged for a detached session only in its window', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('d1'));
    a.store.appendDirect('d1', '100-1', envelope(1));
    a.store.appendDirect('d1', '100-2', envelope(2));
    a.store.appendDirect('d1', '100-2', envelope(99)); // not above the last: dropped
    expect(await b.store.sendDetached('d1', envelope(3))).toBe(false); // held, not detached
    expect(await a.store.detach('d1', '{}', Date.now() + 1500)).toBe(true);
    expect(await b.store.sendDetached('d1', envelope(4))).toBe(true);
    expect(await b.store.sendDetached('nobody', envelope(5))).toBe(false);
    const read = await b.store.read('d1', { rooms: {}, direct: '100-1', broadcast: '' }, 10);
    const direct = read.direct as LoggedPush[];
    expect(direct.map((p) => p.data)).toEqual([envelope(2), envelope(4)]);
    expect(direct[0]!.id).toBe('100-2');
    await eventually(async () => !(await b.store.sendDetached('d1', envelope(6))), 5000, 'window end');
    a.store.appendDirect('gone', '1-1', envelope(1)); // no session: nothing is created
    await eventually(
      async () => (await redisCommand<number>(redis.url, ['EXISTS', `${prefix}:{s:gone}:direct`]))[0] === 0,
      500,
    );
  });

  test('a trimmed direct log is a gap', async () => {
    const a = await node({}, { ...SETTINGS, maxPerRoom: 3 });
    await a.store.create(record('d2'));
    for (let i = 1; i <= 6; i++) a.store.appendDirect('d2', `200-${i}`, envelope(i));
    const read = (from: string) => a.store.read('d2', { rooms: {}, direct: from, broadcast: '' }, 10);
    await eventually(async () => ids((await read('200-3')).direct).length === 3, 2000, 'appends');
    expect((await read('200-1')).direct).toBe('gap');
    expect((await read('')).direct).toBe('gap');
  });

  test('ending a session removes its record and direct log', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('x1'));
    a.store.appendDirect('x1', '1-1', envelope(1));
    await a.store.detach('x1', '{}', Date.now() + 60_000);
    await b.store.end('x1');
    expect(await a.store.get('x1')).toBeUndefined();
    const [keys] = await redisCommand<string[]>(redis.url, ['KEYS', `${prefix}:{s:x1}*`]);
    expect(keys).toEqual([]);
    expect(await a.store.takeExpired(Date.now() + 120_000, 10)).toEqual([]);
  });

  test("a purged node's sessions become detached at purge time with their window, and resumable elsewhere", async () => {
    const fast = { nodeTimeoutMs: 900, heartbeatMs: 150 };
    const settings = { ...SETTINGS, windowMs: 5000 };
    const [a, b] = [await node(fast, settings), await node(fast, settings)];
    await a.store.create(record('k1'));
    await a.store.create(record('k2'));
    await a.store.detach('k2', '{}', Date.now() + 60_000); // already detached: keeps its own window
    const k2 = await b.store.get('k2');
    a.driver.cut(); // as if SIGKILLed: no more heartbeats, no leave
    const cutAt = Date.now();
    await eventually(async () => (await b.store.get('k1'))?.node === undefined, 5000, 'purge');
    const k1 = await b.store.get('k1');
    expect(k1!.expiresAt).toBeGreaterThanOrEqual(cutAt + 5000 - 50);
    expect(k1!.expiresAt).toBeLessThanOrEqual(Date.now() + 5000 + 50);
    expect((await b.store.get('k2'))?.expiresAt).toBe(k2?.expiresAt);
    const claimed = await b.store.claim('k1', 'secret-k1');
    expect(claimed?.previousNode).toBeUndefined();
    expect(claimed?.record.node).toBe(b.host.nodeId);
  });

  test('a node purged while alive takes back the sessions of its clients still connected, not those resumed elsewhere', async () => {
    const [a, b] = [await node({ heartbeatMs: 100 }), await node()];
    for (const id of ['p1', 'p2']) {
      a.host.add(id);
      await a.store.create(record(id));
    }
    // What the others' heartbeat does to a node silent too long (here it was only paused).
    await redisCommand(redis.url, ['EVAL', REMOVE_NODE_SCRIPT, '0', prefix, a.host.nodeId, '0']);
    expect((await b.store.get('p1'))?.node).toBeUndefined();
    expect((await b.store.claim('p2', 'secret-p2'))?.record.node).toBe(b.host.nodeId);
    await eventually(async () => (await b.store.get('p1'))?.node === a.host.nodeId, 3000, 'p1 taken back');
    expect(await b.store.get('p1')).not.toHaveProperty('expiresAt');
    expect((await b.store.get('p2'))?.node).toBe(b.host.nodeId);
    expect(await b.store.takeExpired(Date.now() + 10 * SETTINGS.windowMs, 10)).toEqual([]);
    expect(await a.store.detach('p1', '{}', Date.now() + 1000)).toBe(true);
  });

  test('a node that leaves gracefully detaches the sessions it still holds', async () => {
    const [a, b] = [await node(), await node()];
    await a.store.create(record('g1'));
    await a.store.close();
    await a.adapter.close();
    const after = await b.store.get('g1');
    expect(after?.node).toBeUndefined();
    expect(after?.expiresAt).toBeGreaterThan(Date.now() + SETTINGS.windowMs - 5000);
  });

  test('a client resumed on another node keeps its routing entry when the old node drops it', async () => {
    const [a, b] = [await node(), await node()];
    await a.adapter.clientConnected('m1');
    await b.adapter.clientConnected('m1');
    await a.adapter.clientDisconnected('m1');
    const [owner] = await redisCommand<string>(redis.url, ['HGET', `${prefix}:clients`, 'm1']);
    expect(owner).toBe(b.host.nodeId);
  });
});

describeRedis('RedisRecoveryStore with Redis away', () => {
  const redis = new RedisServer();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('every call rejects quickly while Redis is down or frozen, a push reaches local clients only, and close resolves', async () => {
    const host = new RecoveryHost();
    const adapter = new RedisAdapter({
      url: redis.url,
      keyPrefix: 'away',
      logger: false,
      requestTimeoutMs: 300,
    });
    await adapter.init(host);
    const store = adapter.recoveryStore(host, SETTINGS);
    await store.create(record('s1'));
    const calls = () => [
      store.get('s1'),
      store.claim('s1', 'secret-s1'),
      store.read('s1', { rooms: { r: '' }, direct: '', broadcast: '' }, 10),
      store.sendDetached('s1', envelope(1)),
      store.detach('s1', '{}', Date.now() + 1000),
      store.joined('s1', 'r'),
      store.left('s1', 'r'),
      store.end('s1'),
      store.takeExpired(Date.now(), 10),
      store.history('r', 10),
    ];
    for (const phase of ['frozen', 'down'] as const) {
      if (phase === 'frozen') redis.signal('SIGSTOP');
      else {
        redis.signal('SIGCONT');
        await redis.stop();
      }
      const started = Date.now();
      const results = await Promise.allSettled(calls());
      expect({ phase, states: results.map((r) => r.status) }).toEqual({
        phase,
        states: results.map(() => 'rejected'),
      });
      expect(Date.now() - started).toBeLessThan(2000);
      store.appendDirect('s1', '1-1', envelope(1)); // written behind: never throws
      // A push still reaches this node's clients (unlogged: no offset), as without recovery.
      const before = host.broadcasts.length;
      const pushed = Date.now();
      await store.publish({ data: envelope(2), rooms: ['r'] });
      await store.publish({ data: envelope(3) });
      expect(Date.now() - pushed).toBeLessThan(2000);
      expect(host.broadcasts.slice(before)).toEqual([
        { data: envelope(2), rooms: ['r'] },
        { data: envelope(3) },
      ]);
    }
    await store.close();
    await adapter.close({ timeoutMs: 1000 });
  });
});
