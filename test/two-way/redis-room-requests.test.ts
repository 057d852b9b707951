/** rooms.to(...).request across two Redis nodes (in-process and in a child process), over real sockets. */
import { createClient } from 'redis';
import { bootstrap, RoomService, type WsApp } from 'ws-controllers';
import { connect as connectClient, type Client } from 'ws-controllers/client';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { startChildNode, type ChildNode } from '../redis/support/child-node-process';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { testOptions } from '../support/quiet';
import { TwoWayModule } from './fixtures/two-way-app';
import { roomRequestSuite, until } from './support/room-request-suite';

interface RedisTwoWayNode {
  app: WsApp;
  adapter: RedisAdapter;
}

// The live peers a node knows (it asks exactly those).
const peersOf = (adapter: RedisAdapter): Set<string> =>
  (adapter as unknown as { member: { registry: { peers: Set<string> } } }).member.registry.peers;

async function startNode(options: RedisAdapterOptions): Promise<RedisTwoWayNode> {
  const adapter = new RedisAdapter({ logger: false, ...options });
  const app = await bootstrap(TwoWayModule, { ...testOptions, adapter });
  return { app, adapter };
}

describeRedis('rooms.to(...).request across Redis nodes', () => {
  const redis = new RedisServer();
  let run = 0;

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  describe('the cluster contract', () => {
    roomRequestSuite(async () => {
      const options = { url: redis.url, keyPrefix: `room-ask-${++run}`, requestTimeoutMs: 5_000 };
      const a = await startNode(options);
      const b = await startNode(options);
      await until(() => peersOf(a.adapter).has(b.adapter.nodeId) && peersOf(b.adapter).has(a.adapter.nodeId), 5_000, 'peers known');
      return {
        a: a.app,
        b: b.app,
        adapterPending: () => a.adapter.pendingRequests + b.adapter.pendingRequests,
        close: async () => {
          await Promise.all([a.app.close(), b.app.close()]);
        },
      };
    });
  });

  describe('a node that dies or stalls mid-request', () => {
    const heartbeatMs = 300;
    let local: RedisTwoWayNode;
    let child: ChildNode;
    const clients: Client[] = [];

    let listener: ReturnType<typeof createClient> | undefined;
    const reports: string[] = [];

    async function setUp(nodeTimeoutMs: number): Promise<void> {
      const keyPrefix = `room-ask-${++run}`;
      const options = { url: redis.url, keyPrefix, requestTimeoutMs: 2_000, heartbeatMs, nodeTimeoutMs };
      local = await startNode(options);
      child = await startChildNode(options, '../../two-way/fixtures/two-way-node.ts');
      await until(() => peersOf(local.adapter).has(child.nodeId), 5_000, 'child node known');
      // Listens on the local node's reply channel too, to stop the child only once it reported whom it asked.
      listener = createClient({ url: redis.url });
      listener.on('error', () => undefined);
      await listener.connect();
      await listener.subscribe(`${keyPrefix}#reply:${local.adapter.nodeId}`, (message) => reports.push(message));
    }

    const childReportedAsked = (): boolean => reports.some((m) => m.includes(child.nodeId) && m.includes('"i":['));

    afterEach(async () => {
      reports.length = 0;
      await listener?.close();
      await child.kill();
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await local.app.close();
    });

    async function open(port: number, answer: () => unknown): Promise<{ id: string; asked: Promise<void> }> {
      const client = connectClient(`ws://127.0.0.1:${port}/two-way`, { reconnect: false });
      clients.push(client);
      const id = (await client.request('whoami')) as string;
      await client.request('join', 'voters');
      let asked: () => void = () => undefined;
      const wasAsked = new Promise<void>((resolve) => (asked = resolve));
      client.handle('vote', () => {
        asked();
        return answer();
      });
      return { id, asked: wasAsked };
    }

    test('a node killed (SIGKILL) after it was asked leaves its members missing; the result comes when it is purged', async () => {
      await setUp(1_500);
      const here = await open(local.app.port, () => 'yes');
      const there = await open(child.port, () => new Promise(() => undefined));
      const started = Date.now();
      const result = local.app.get(RoomService).to('voters').request('vote', null, { timeoutMs: 20_000 });
      await there.asked;
      await until(childReportedAsked, 5_000, 'the child reported whom it asked');
      child.signal('SIGKILL');
      await expect(result).resolves.toEqual({ replies: [{ clientId: here.id, payload: 'yes' }], missing: [there.id] });
      // Purged after nodeTimeoutMs, well before the request's own timeout.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(local.adapter.pendingRequests).toBe(0);
    }, 30_000);

    test('a stalled node (SIGSTOP) leaves its members missing at the timeout, and its late report is ignored', async () => {
      await setUp(60_000); // never purged during the test
      const here = await open(local.app.port, () => 'yes');
      // Answers once released: the first time only after the child is frozen, so the node holds it.
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const there = await open(child.port, () => released.then(() => 'late'));
      const result = local.app.get(RoomService).to('voters').request('vote', null, { timeoutMs: 1_000 });
      // Frozen after its client got the question: the answer reaches the node, which cannot pass it on.
      await there.asked;
      await until(childReportedAsked, 5_000, 'the child reported whom it asked');
      child.signal('SIGSTOP');
      release();
      const started = Date.now();
      const { replies, missing } = await result;
      expect(Date.now() - started).toBeLessThan(5_000); // at its timeout, not at the purge (60 s): room for a loaded box
      expect(replies).toEqual([{ clientId: here.id, payload: 'yes' }]);
      expect(missing).toEqual([there.id]);
      expect(local.adapter.pendingRequests).toBe(0);
      // Thawed, the node sends what it has; nothing is waiting for it any more.
      child.signal('SIGCONT');
      const again = await local.app.get(RoomService).to('voters').request('vote', null, { timeoutMs: 10_000 });
      expect(again.missing).toEqual([]);
      expect(again.replies.map((r) => r.payload).sort()).toEqual(['late', 'yes']);
      expect(local.adapter.pendingRequests).toBe(0);
    }, 30_000);
  });
  describe('ask packets from the wire', () => {
    let node: RedisTwoWayNode;
    let keyPrefix = '';
    let raw: ReturnType<typeof createClient>;
    let listener: ReturnType<typeof createClient>;
    const replies: Array<{ r: string; f: string; v: unknown; w?: number }> = [];
    const clients: Client[] = [];
    let votes = 0;

    beforeEach(async () => {
      votes = 0;
      keyPrefix = `room-ask-${++run}`;
      node = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 2_000 });
      raw = createClient({ url: redis.url });
      listener = createClient({ url: redis.url });
      raw.on('error', () => undefined);
      listener.on('error', () => undefined);
      await Promise.all([raw.connect(), listener.connect()]);
      // A made-up asking node: its reply channel is where the node's reports go.
      await listener.subscribe(`${keyPrefix}#reply:fake-node`, (message) => replies.push(JSON.parse(message) as (typeof replies)[number]));
      const client = connectClient(`ws://127.0.0.1:${node.app.port}/two-way`, { reconnect: false });
      clients.push(client);
      await client.request('join', 'voters');
      client.handle('vote', () => {
        votes++;
        return 'yes';
      });
    });

    afterEach(async () => {
      replies.length = 0;
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all([raw.close(), listener.close()]);
      await node.app.close();
    });

    const ask = (packet: object): Promise<unknown> => raw.publish(`${keyPrefix}#request`, JSON.stringify({ t: 'ask', f: 'fake-node', ...packet }));

    test('an ask in another protocol version is answered with nothing, so its asker stops waiting; no member is asked', async () => {
      await ask({ r: 'v2', w: 2, q: { rooms: ['voters'], except: [], event: 'vote', timeoutMs: 1_000 } });
      await until(() => replies.some((r) => r.r === 'v2'), 5_000, 'the reply');
      expect(replies.find((r) => r.r === 'v2')).toEqual({ r: 'v2', f: node.adapter.nodeId, v: null, w: 1 });
      expect(votes).toBe(0);
    });

    test('a malformed ask asks nobody and says so at once; a valid one reports ids, answers and done in order', async () => {
      await ask({ r: 'bad', w: 1, q: { rooms: 'voters', except: [], event: 'vote', timeoutMs: -1 } });
      await until(() => replies.some((r) => r.r === 'bad'), 5_000, 'the reply');
      expect(replies.find((r) => r.r === 'bad')?.v).toEqual({ i: [], d: 1 });
      await ask({ r: 'good', w: 1, q: { rooms: ['voters'], except: [], event: 'vote', payload: null, timeoutMs: 1_000 } });
      await until(() => replies.some((r) => r.r === 'good' && (r.v as { d?: number }).d === 1), 5_000, 'done');
      const reports = replies.filter((r) => r.r === 'good').map((r) => r.v as { i?: string[]; a?: Array<{ clientId: string; payload: unknown }>; d?: number });
      expect(reports[0]?.i).toHaveLength(1);
      const answers = reports.flatMap((r) => r.a ?? []);
      expect(answers).toEqual([{ clientId: reports[0]!.i![0], payload: 'yes' }]);
      expect(votes).toBe(1);
    });
  });
});
