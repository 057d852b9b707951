/**
 * Reliability (issue 15, item 10): a cluster-wide lookup made by a handler while Redis is away
 * reaches the client as `CLUSTER_UNAVAILABLE` (the error's own code, with the request's id), not
 * as `INTERNAL_ERROR`. Two in-process nodes on a throw-away redis-server; Redis killed (dead) and
 * paused with SIGSTOP (frozen). Over real sockets on loopback.
 */
import {
  bootstrap,
  ClientService,
  ConnectedClient,
  Module,
  OnMessage,
  Payload,
  RoomService,
  WebSocketController,
  type WsApp,
  type WsClient,
} from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { eventually } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { watchFaults } from './support/fault-watch';
import { report } from './support/figures';

@WebSocketController('/lookup')
class LookupController {
  constructor(
    private readonly rooms: RoomService,
    private readonly clients: ClientService,
  ) {}

  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string) {
    await client.join(room);
    return true;
  }

  @OnMessage('members')
  members(@Payload() room: string) {
    return this.rooms.members(room);
  }

  @OnMessage('ids')
  ids() {
    return this.clients.ids();
  }

  @OnMessage('count')
  count() {
    return this.clients.count();
  }
}

@Module({ controllers: [LookupController] })
class LookupModule {}

interface Node {
  app: WsApp;
  adapter: RedisAdapter;
}

describeRedis('reliability with Redis: cluster errors reach the client as such', () => {
  const redis = new RedisServer();
  const watch = watchFaults();
  let run = 0;
  let nodes: Node[] = [];
  let sockets: TestSocket[] = [];

  beforeAll(() => redis.start());
  afterAll(async () => {
    watch.stop();
    await redis.stop();
  });
  afterEach(async () => {
    redis.signal('SIGCONT');
    await redis.start().catch(() => undefined);
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(nodes.map((n) => n.app.close({ timeoutMs: 2000 })));
    sockets = [];
    nodes = [];
  });

  async function cluster(requestTimeoutMs: number): Promise<{ a: Node; onA: TestSocket }> {
    const options = { url: redis.url, keyPrefix: `rel-errors-${++run}`, heartbeatMs: 200, nodeTimeoutMs: 3000, requestTimeoutMs, logger: false as const };
    for (let i = 0; i < 2; i++) {
      const adapter = new RedisAdapter(options);
      const app = await bootstrap(LookupModule, { port: 0, host: '127.0.0.1', logger: false, adapter });
      nodes.push({ app, adapter });
    }
    const [a, b] = nodes as [Node, Node];
    const onA = await connect(urlOf(a.app.port, '/lookup'));
    const onB = await connect(urlOf(b.app.port, '/lookup'));
    sockets.push(onA, onB);
    await onA.request('join', 'r');
    await onB.request('join', 'r');
    // Both nodes know each other: a lookup now needs Redis.
    await eventually(async () => ((await onA.request('members', 'r')).payload as string[]).length === 2, 3000, 'both members visible');
    return { a, onA };
  }

  async function lookups(onA: TestSocket, timeoutMs: number): Promise<Array<{ event: string; code: unknown; id: unknown; ms: number }>> {
    const out = [];
    for (const [event, payload] of [['members', 'r'], ['ids', undefined], ['count', undefined]] as const) {
      const started = Date.now();
      const reply = await onA.request(event, payload, timeoutMs);
      const body = reply.payload as { code?: unknown; message?: unknown };
      out.push({ event, code: reply.event === 'error' ? body.code : reply.event, id: reply.id, ms: Date.now() - started });
      if (reply.event === 'error') expect(String(body.message)).not.toMatch(/redis|127\.0\.0\.1/i);
    }
    return out;
  }

  test('Redis dead: members, ids and count answer CLUSTER_UNAVAILABLE with the request id, at once', async () => {
    const { a, onA } = await cluster(2000);
    await redis.stop();
    await eventually(() => !a.adapter.isConnected(), 3000, 'node A seeing Redis down');
    const answers = await lookups(onA, 1000);
    report('redis-cluster-errors', { scenario: 'Redis dead', answers });
    expect(answers.map((x) => x.code)).toEqual(['CLUSTER_UNAVAILABLE', 'CLUSTER_UNAVAILABLE', 'CLUSTER_UNAVAILABLE']);
    // request() resolves only on a frame carrying its id, so every error above answered its request.
    expect(watch.unhandled).toEqual([]);
    expect(watch.uncaught).toEqual([]);
  });

  test('Redis frozen (SIGSTOP): members answers CLUSTER_UNAVAILABLE at requestTimeoutMs', async () => {
    const { onA } = await cluster(800);
    redis.signal('SIGSTOP');
    const started = Date.now();
    const reply = await onA.request('members', 'r', 3000);
    const ms = Date.now() - started;
    redis.signal('SIGCONT');
    report('redis-cluster-errors', { scenario: 'Redis frozen', requestTimeoutMs: 800, answeredAfterMs: ms, code: (reply.payload as { code?: unknown }).code });
    expect(reply).toMatchObject({ event: 'error', payload: { code: 'CLUSTER_UNAVAILABLE', event: 'members' } });
    expect(watch.unhandled).toEqual([]);
    expect(watch.uncaught).toEqual([]);
  });
});
