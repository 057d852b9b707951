/**
 * Broadcasts that reach a node from another one (through the adapter, not through a socket of its
 * own) are corked like local bursts: the packets delivered in one tick leave in one write per member.
 * Pinned by counting the receiving node's writes, in memory (two apps on one bus, where the other node's
 * packets arrive in the tick they were sent) and on Redis (several PUBLISHes read in one chunk by the
 * subscriber). Holds with WS_CONTROLLERS_NO_WS_INTERNALS=1 too: the corking needs no ws internals.
 */
import { bootstrap, ConnectedClient, InMemoryAdapter, InMemoryBus, Module, OnConnect, RoomService, WebSocketController, type Adapter, type WsApp, type WsClient } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { serverWrites } from './support/server-writes';

@WebSocketController('/room')
class MemberController {
  @OnConnect()
  join(@ConnectedClient() client: WsClient): Promise<void> {
    return client.join('all');
  }
}

@Module({ controllers: [MemberController] })
class MemberModule {}

const MEMBERS = 4;
const BURST = 8;

/** Two nodes: `sender` has no members, `receiver` has MEMBERS in room `all`. */
function twoNodes(adapter: () => Adapter): { sender: () => WsApp; receiver: () => WsApp; members: TestSocket[] } {
  const apps: WsApp[] = [];
  const members: TestSocket[] = [];
  beforeEach(async () => {
    apps.push(await bootstrap(MemberModule, { ...testOptions, adapter: adapter() }));
    apps.push(await bootstrap(MemberModule, { ...testOptions, adapter: adapter() }));
    for (let i = 0; i < MEMBERS; i++) members.push(await connect(urlOf(apps[1]!.port, '/room')));
  });
  afterEach(async () => {
    await Promise.all(members.splice(0).map((s) => s.close()));
    for (const app of apps.splice(0)) await app.close();
  });
  return { sender: () => apps[0]!, receiver: () => apps[1]!, members };
}

/** Emits `count` broadcasts from `app` in one tick; resolves once every member has the last one. */
async function burst(app: WsApp, members: TestSocket[], tag: string, count: number): Promise<void> {
  const rooms = app.get(RoomService);
  for (let i = 0; i < count; i++) void rooms.to('all').emit('tick', `${tag}${i}`);
  await Promise.all(members.map((m) => m.waitFor((r) => r.event === 'tick' && r.payload === `${tag}${count - 1}`)));
}

/** The tick payloads each member got, in order. */
const ticks = (members: TestSocket[], tag: string): string[][] =>
  members.map((m) => m.received.filter((r) => r.event === 'tick' && String(r.payload).startsWith(tag)).map((r) => r.payload as string));

const expected = (tag: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${tag}${i}`);

describe('two apps on one in-memory bus', () => {
  let bus = new InMemoryBus();
  beforeEach(() => void (bus = new InMemoryBus()));
  const nodes = twoNodes(() => new InMemoryAdapter(bus));

  test('8 broadcasts from the other node in one tick reach each member in one write, in order', async () => {
    await burst(nodes.sender(), nodes.members, 'warm', 1);
    const counts = await serverWrites(() => burst(nodes.sender(), nodes.members, 'b', BURST), nodes.receiver().server);
    expect(counts.size).toBe(MEMBERS);
    expect([...counts.values()]).toEqual(Array(MEMBERS).fill(1));
    expect(ticks(nodes.members, 'b')).toEqual(Array(MEMBERS).fill(expected('b', BURST)));
  });

  test('a lone broadcast from the other node is written at once, not held for a next one', async () => {
    const counts = await serverWrites(() => burst(nodes.sender(), nodes.members, 'one', 1), nodes.receiver().server);
    expect([...counts.values()]).toEqual(Array(MEMBERS).fill(1));
  });

  test('8 broadcasts emitted by server code in one tick reach each local member in one write', async () => {
    await burst(nodes.receiver(), nodes.members, 'warm', 1);
    const counts = await serverWrites(() => burst(nodes.receiver(), nodes.members, 'l', BURST), nodes.receiver().server);
    expect([...counts.values()]).toEqual(Array(MEMBERS).fill(1));
    expect(ticks(nodes.members, 'l')).toEqual(Array(MEMBERS).fill(expected('l', BURST)));
  });
});

describeRedis('two nodes on one Redis', () => {
  const redis = new RedisServer();
  let prefix = 0;
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  let keyPrefix = '';
  beforeEach(() => void (keyPrefix = `coalesce-${++prefix}`));
  const nodes = twoNodes(() => new RedisAdapter({ url: redis.url, keyPrefix, logger: false }));

  test('8 broadcasts published in one tick are read in one chunk by the other node and leave it in one write per member', async () => {
    await burst(nodes.sender(), nodes.members, 'warm', 1);
    const counts = await serverWrites(() => burst(nodes.sender(), nodes.members, 'r', BURST), nodes.receiver().server);
    expect(counts.size).toBe(MEMBERS);
    // Without the corking this is 8 per member (one per packet).
    expect([...counts.values()]).toEqual(Array(MEMBERS).fill(1));
    expect(ticks(nodes.members, 'r')).toEqual(Array(MEMBERS).fill(expected('r', BURST)));
  });
});
