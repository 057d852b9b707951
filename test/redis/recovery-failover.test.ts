/**
 * Session recovery across a node's death: a client whose node (a child process) is SIGKILLed resumes
 * on another node with its id, rooms and data and every push it missed exactly once, in order; one
 * that never comes back gets its @OnDisconnect once, on one survivor, when its window ends.
 */
import { bootstrap, ClientService, RoomService, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { HookLog, RecoveryModule } from '../recovery/fixture';
import { offsetsOf, open, resumeUrl } from '../recovery/support';
import { testOptions } from '../support/quiet';
import { urlOf, type Received, type TestSocket } from '../support/ws-test-client';
import { startChildNode, type ChildNode } from './support/child-node-process';
import { eventually, redisCommand } from './support/cluster-helpers';
import { describeRedis, RedisServer } from './support/redis-server';

// Small bounds so a purge takes about a second; the defaults are 30 s and 5 s.
const nodeTimeoutMs = 1500;
const heartbeatMs = 250;
const requestTimeoutMs = 1000;

type Push = Received & { room?: string; offset?: string };

describeRedis('session recovery when a node dies (Redis, child process nodes)', () => {
  const redis = new RedisServer();
  let prefix = '';
  let run = 0;
  let apps: WsApp[] = [];
  let sockets: TestSocket[] = [];
  let child: ChildNode | undefined;

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  beforeEach(() => {
    prefix = `failover-${++run}`;
  });
  afterEach(async () => {
    await child?.kill();
    child = undefined;
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await Promise.all(apps.map((a) => a.close({ timeoutMs: 1000 })));
    apps = [];
    sockets = [];
  });

  const adapterOptions = () => ({
    url: redis.url,
    keyPrefix: prefix,
    nodeTimeoutMs,
    heartbeatMs,
    requestTimeoutMs,
  });

  const adapters = new Map<WsApp, RedisAdapter>();

  async function survivor(recovery: object): Promise<WsApp> {
    const adapter = new RedisAdapter({ ...adapterOptions(), logger: false });
    const app = await bootstrap(RecoveryModule, { ...testOptions, recovery, adapter });
    apps.push(app);
    adapters.set(app, adapter);
    return app;
  }

  async function client(port: number, query = '') {
    const opened = await open(urlOf(port, `/chat${query}`));
    sockets.push(opened.socket);
    return opened;
  }

  async function kill(node: ChildNode, ...onIt: TestSocket[]): Promise<void> {
    node.signal('SIGKILL');
    await Promise.all(onIt.map((s) => s.closed)); // the kernel closes its sockets: the clients see 1006
  }

  const purged = async (node: ChildNode): Promise<boolean> =>
    (await redisCommand(redis.url, ['ZSCORE', `${prefix}:nodes`, node.nodeId]))[0] === null;

  // The node records a join in Redis behind the join's reply: a kill right after the reply can lose it.
  const joinRecorded = (id: string, ...rooms: string[]): Promise<void> =>
    eventually(
      async () => {
        const fields = rooms.map((room) => `r:${room}`);
        const [values] = await redisCommand<Array<string | null>>(redis.url, [
          'HMGET',
          `${prefix}:{s:${id}}:session`,
          ...fields,
        ]);
        return (values ?? []).every((v) => v !== null);
      },
      5000,
      'join recorded',
    );

  const pushes = (socket: TestSocket, from = 0): Push[] =>
    (socket.received.slice(from) as Push[]).filter((m) => m.offset !== undefined);

  test('a client of a SIGKILLed node resumes on another node: same id, rooms and data, every missed push once, in order', async () => {
    const recovery = { windowMs: 10_000, maxPerRoom: 1000 };
    child = await startChildNode({ adapter: adapterOptions(), recovery }, 'recovery-child-node.ts');
    const b = await survivor(recovery);
    const ann = await client(child.port, '?user=ann');
    const bob = await client(b.port, '?user=bob');
    for (const room of ['general', 'random']) {
      await ann.socket.request('join', room);
      await bob.socket.request('join', room);
    }
    await bob.socket.request('say', { room: 'general', text: 'before' });
    await ann.socket.waitFor((m) => m.payload === 'before');
    expect((await bob.socket.request('dm', { to: ann.session.id, text: 'dm before' })).payload).toBe(true);
    await b.get(ClientService).broadcast('news', 'news before');
    await ann.socket.waitFor((m) => m.payload === 'news before');
    const seen = [...ann.socket.received];
    await joinRecorded(ann.session.id, 'general', 'random');

    await kill(child, ann.socket);
    const missed: string[] = [];
    for (let i = 0; i < 12; i++) {
      const text = `missed ${i}`;
      await bob.socket.request('say', { room: i % 3 ? 'random' : 'general', text });
      missed.push(text);
    }
    // Direct sends wait for the purge: until then the session is still the dead node's (a send is false).
    await eventually(() => purged(child!), nodeTimeoutMs + 3000, 'purge of the killed node');
    expect((await bob.socket.request('dm', { to: ann.session.id, text: 'dm while away' })).payload).toBe(
      true,
    );
    await b.get(ClientService).broadcast('news', 'news while away');

    const again = await open(resumeUrl(b.port, '/chat', ann.session.token, offsetsOf(seen), 'user=ann&'));
    sockets.push(again.socket);
    expect(again.session).toEqual({ id: ann.session.id, token: ann.session.token, resumed: true });
    await bob.socket.request('say', { room: 'general', text: 'live' });
    await again.socket.waitFor((m) => m.payload === 'live', 5000);
    expect(pushes(again.socket).map((m) => m.payload)).toEqual([
      ...missed,
      'dm while away',
      'news while away',
      'live',
    ]);
    const rooms = pushes(again.socket)
      .slice(0, missed.length)
      .map((m) => m.room);
    expect(rooms).toEqual(missed.map((_, i) => (i % 3 ? 'random' : 'general')));
    expect((await again.socket.request('whoami')).payload).toEqual({
      id: ann.session.id,
      rooms: ['general', 'random'],
      data: { name: 'ann' },
      query: { user: 'ann' },
    });
    expect(await b.get(RoomService).members('random')).toEqual(
      expect.arrayContaining([ann.session.id, bob.session.id]),
    );
    expect(b.get(HookLog).disconnects).toEqual([]);
    expect(b.get(HookLog).connects.at(-1)).toEqual({ id: ann.session.id, resumed: true, name: 'ann' });
  });

  test('a client that reconnects before its dead node is purged takes its session over at once', async () => {
    const recovery = { windowMs: 10_000, maxPerRoom: 1000 };
    child = await startChildNode({ adapter: adapterOptions(), recovery }, 'recovery-child-node.ts');
    const b = await survivor(recovery);
    const ann = await client(child.port);
    const bob = await client(b.port);
    await ann.socket.request('join', 'r');
    await bob.socket.request('join', 'r');
    const seen = [...ann.socket.received];
    await joinRecorded(ann.session.id, 'r');
    await kill(child, ann.socket);
    await bob.socket.request('say', { room: 'r', text: 'one' });
    const again = await open(resumeUrl(b.port, '/chat', ann.session.token, offsetsOf(seen)));
    sockets.push(again.socket);
    expect(again.session).toMatchObject({ id: ann.session.id, resumed: true });
    expect(await purged(child)).toBe(false); // still listed: the resume did not wait for the purge
    expect((await bob.socket.request('dm', { to: ann.session.id, text: 'two' })).payload).toBe(true);
    await bob.socket.request('say', { room: 'r', text: 'three' });
    await again.socket.waitFor((m) => m.payload === 'three', 5000);
    expect(pushes(again.socket).map((m) => m.payload)).toEqual(['one', 'two', 'three']);
    // The purge that comes later leaves the resumed session alone.
    await eventually(() => purged(child!), nodeTimeoutMs + 3000, 'purge of the killed node');
    const [node] = await redisCommand<string>(redis.url, [
      'HGET',
      `${prefix}:{s:${ann.session.id}}:session`,
      'node',
    ]);
    expect(node).toBe(adapters.get(b)!.nodeId);
  });

  test('a client of a SIGKILLed node that never comes back gets @OnDisconnect once, on one survivor, when its window ends', async () => {
    const recovery = { windowMs: 1500, maxPerRoom: 100 };
    child = await startChildNode({ adapter: adapterOptions(), recovery }, 'recovery-child-node.ts');
    const [b, c] = [await survivor(recovery), await survivor(recovery)];
    const gone = await client(child.port, '?user=gone');
    await kill(child, gone.socket);
    const killedAt = Date.now();
    const logs = [b.get(HookLog), c.get(HookLog)];
    const ended = () => logs.flatMap((log) => log.disconnects).filter((d) => d.id === gone.session.id);
    await eventually(() => ended().length > 0, nodeTimeoutMs + recovery.windowMs + 5000, '@OnDisconnect');
    // The window started at the purge, not at the kill.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(recovery.windowMs);
    await new Promise((r) => setTimeout(r, 1500)); // room for a second (wrong) expiry on the other survivor
    expect(ended()).toEqual([{ id: gone.session.id, name: 'gone' }]);
    const again = await open(resumeUrl(b.port, '/chat', gone.session.token, { rooms: {} }));
    sockets.push(again.socket);
    expect(again.session.resumed).toBe(false);
  });
});
