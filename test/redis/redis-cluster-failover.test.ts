/**
 * Failover on a Redis Cluster (3 masters, 3 replicas, started here): three app nodes (child
 * processes) with clients in rooms spread over all three masters, room broadcasts and sends by id
 * flowing, then the master serving the app's own slot (registry, inboxes) and a third of the rooms
 * is SIGKILLed. The adapters follow the promotion of its replica: no node crashes, every send by id
 * that resolved `true` was delivered (once), no broadcast is delivered twice, and the room broadcasts
 * lost are only those sent between the kill and a few seconds after the promotion (at most once:
 * live connections are not replayed from the room logs). Run twice: with the driver re-reading
 * node-redis's slot map in place, and through its public-API fallback (a fresh cluster client).
 */
import { createCluster } from 'redis';
import { bootstrap, type WsApp } from 'ws-controllers';
import { NodeRedisClusterDriver, RedisAdapter, type NodeRedisClusterClient } from 'ws-controllers/redis';
import { keySlot } from '../../src/redis/key-slot';
import { RecoveryModule } from '../recovery/fixture';
import { drop, offsetsOf, open, resumeUrl } from '../recovery/support';
import { testOptions } from '../support/quiet';
import { urlOf, type TestSocket } from '../support/ws-test-client';
import { startChildNode, type ChildNode } from './support/child-node-process';
import { openClient } from './support/cluster-helpers';
import { RedisCluster, type ClusterNode } from './support/redis-cluster';
import { describeRedis } from './support/redis-server';

jest.setTimeout(180_000);

/** How long after the promotion room broadcasts must be flowing again (generous for a loaded 2-core box). */
const RESUME_BOUND_MS = 10_000;
/** Traffic goes on this long after the promotion (past the bound, so a late recovery shows). */
const AFTER_PROMOTION_MS = RESUME_BOUND_MS + 4000;
const NODES = 3;
const ROOMS_PER_MASTER = 3;
const TICK_MS = 100;

interface Sent {
  kind: 'room' | 'direct';
  text: string;
  from: number;
  room?: string;
  to?: number;
  at: number;
  ok?: boolean;
}

type Client = TestSocket & { id: string; node: number; index: number; rooms: string[]; turn: number };

test('a cluster client hiding node-redis’s slot-map internal gets the public-API fallback', async () => {
  const roots = [{ url: 'redis://127.0.0.1:1' }];
  const client = createCluster({ rootNodes: roots });
  Object.defineProperty(client, '_slots', { value: undefined });
  const hidden = new NodeRedisClusterDriver({ client: client as unknown as NodeRedisClusterClient });
  const normal = new NodeRedisClusterDriver({ rootNodes: roots, maxQueuedCommands: 10 });
  expect([normal.failoverMode, hidden.failoverMode]).toEqual(['in-place', 'fresh-client']);
  await Promise.all([hidden.close(), normal.close()]);
});

describeRedis('Redis Cluster: SIGKILL of a master under traffic', () => {
  let redis: RedisCluster;
  const prefix = 'failover';
  let nodes: ChildNode[] = [];
  let stderr: string[] = [];
  let sockets: TestSocket[] = [];

  beforeEach(async () => {
    redis = new RedisCluster();
    await redis.start();
  }, 90_000);
  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
    nodes = [];
    stderr = [];
    sockets = [];
  });

  test.each([
    [
      're-reading node-redis’s slot map in place',
      'child-node.ts',
      (rootNodes: unknown) => ({ cluster: { rootNodes } }),
    ],
    [
      'through a fresh cluster client (node-redis internals hidden)',
      'cluster-child-node.ts',
      (rootNodes: unknown) => ({ rootNodes }),
    ],
  ])(
    'the adapters follow the promotion %s: no crash, every `true` send delivered once, broadcasts resume within 10 s',
    async (_how, script, source) => {
      // Rooms spread over the masters (ROOMS_PER_MASTER on each), by the slot of their sharded channel.
      const rooms = pickRooms(redis, ROOMS_PER_MASTER);
      const prefixKey = `{${prefix}}:nodes`;
      const victim = redis.masterOf(prefixKey);
      const onVictim = new Set(rooms.filter((room) => redis.masterOf(channelOf(room)) === victim));
      expect(onVictim.size).toBe(ROOMS_PER_MASTER);

      for (let i = 0; i < NODES; i++) {
        const node = await startChildNode(
          { ...source(redis.rootNodes), keyPrefix: prefix, requestTimeoutMs: 5000, nodeTimeoutMs: 15_000 },
          script,
          60_000,
        );
        node.process.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
        nodes.push(node);
      }

      // Client j of node n joins the rooms r with r % NODES === j: every room has a member on every node.
      const clients: Client[] = [];
      for (let n = 0; n < NODES; n++)
        for (let j = 0; j < NODES; j++) {
          const socket = await openClient(nodes[n]!.port, sockets);
          const mine = rooms.filter((_, r) => r % NODES === j);
          for (const room of mine) await socket.request('join', room, 10_000);
          clients.push(Object.assign(socket, { node: n, index: clients.length, rooms: mine, turn: 0 }));
        }
      const membersOf = (room: string): Client[] => clients.filter((c) => c.rooms.includes(room));

      // Every client: one request per tick, a room broadcast and a send by id (to a client on another node) in turn.
      const sent: Sent[] = [];
      const replies: Array<Promise<void>> = [];
      let seq = 0;
      const tick = (): void => {
        for (const client of clients) {
          const n = seq++;
          const turn = client.turn++;
          const at = Date.now();
          let record: Sent;
          let reply;
          if (turn % 2 === 0) {
            const room = client.rooms[(turn >> 1) % client.rooms.length]!;
            record = { kind: 'room', text: `b${n}`, from: client.index, room, at };
            reply = client.request('to-room', { room, text: record.text }, 30_000);
          } else {
            const others = clients.filter((c) => c.node !== client.node);
            const target = others[(turn >> 1) % others.length]!;
            record = { kind: 'direct', text: `d${n}`, from: client.index, to: target.index, at };
            reply = client.request('send-to', { id: target.id, text: record.text }, 30_000);
          }
          sent.push(record);
          replies.push(
            reply.then(
              (m) => void (record.ok = m.payload === true),
              () => void (record.ok = false),
            ),
          );
        }
      };
      const traffic = setInterval(tick, TICK_MS);

      try {
        // Traffic flows through every room before the kill.
        await waitUntil(() => sent.length > clients.length * 20, 30_000, 'traffic before the kill');
        const killedAt = Date.now();
        await redis.kill(victim);

        // The promotion, as a surviving node sees it: another node serves the slot, and the cluster is ok.
        await waitUntil(
          () => {
            const now = servingMaster(redis, prefixKey);
            return now !== undefined && now !== victim && redis.nodes.filter(alive).every(clusterOk);
          },
          30_000,
          'the promotion of a replica',
        );
        const promotedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, AFTER_PROMOTION_MS)); // traffic keeps flowing
        clearInterval(traffic);
        await Promise.all(replies);
        const stoppedAt = Date.now();

        // Every send by id that resolved true reaches its target (give the last ones a moment).
        const direct = sent.filter((s) => s.kind === 'direct' && s.ok === true);
        const deliveredTo = (s: Sent): boolean =>
          clients[s.to!]!.received.some((m) => m.event === 'direct-message' && m.payload === s.text);
        await waitUntil(() => direct.every(deliveredTo), 10_000, 'every `true` send by id delivered').catch(
          () => {},
        );
        const undelivered = direct.filter((s) => !deliveredTo(s)).map((s) => s.text);

        // Room broadcasts: which (message, receiver on another node) pairs never arrived.
        await settle(clients, 2000);
        const lost: Array<{ at: number; room: string }> = [];
        let expected = 0;
        for (const s of sent) {
          if (s.kind !== 'room' || s.ok !== true) continue;
          const sender = clients[s.from]!;
          for (const member of membersOf(s.room!)) {
            if (member.node === sender.node) continue; // delivered locally, without Redis
            expected++;
            if (!member.received.some((m) => m.event === 'room-message' && m.payload === s.text))
              lost.push({ at: s.at, room: s.room! });
          }
        }
        const lastLoss = lost.reduce((max, l) => Math.max(max, l.at), 0);
        const resumedMs = lost.length === 0 ? 0 : Math.max(0, lastLoss - promotedAt);
        const failoverMs = promotedAt - killedAt;
        const report = {
          failoverMs,
          resumedAfterPromotionMs: resumedMs,
          sent: sent.length,
          directTrue: direct.length,
          directFalse: sent.filter((s) => s.kind === 'direct' && s.ok === false).length,
          crossNodeBroadcasts: expected,
          lostBroadcasts: lost.length,
          lostByRoom: Object.fromEntries(
            rooms.map((room) => [
              `${room}${onVictim.has(room) ? '@killed' : ''}`,
              lost.filter((l) => l.room === room).length,
            ]),
          ),
          trafficAfterPromotionMs: stoppedAt - promotedAt,
        };
        console.log(`cluster failover: ${JSON.stringify(report)}`);

        expect(nodes.map((n) => n.process.exitCode ?? n.process.signalCode)).toEqual(nodes.map(() => null));
        expect(stderr.join('')).toBe('');
        expect(undelivered).toEqual([]);
        expect(duplicates(clients)).toEqual([]);
        // Nothing sent before the kill was lost, and broadcasts flow again within the bound after the promotion.
        expect(lost.filter((l) => l.at < killedAt - 1000)).toEqual([]);
        expect(resumedMs).toBeLessThan(RESUME_BOUND_MS);
        // The bound is meaningful: traffic went on past it, and most of it arrived.
        expect(stoppedAt - promotedAt).toBeGreaterThan(RESUME_BOUND_MS);
        expect(lost.length).toBeLessThan(expected / 2);
      } finally {
        clearInterval(traffic);
      }
    },
  );
  test('with recovery on, broadcasts stay at most once for open connections; a resume after the failover replays the logged tail, each once', async () => {
    const recovery = { windowMs: 60_000, maxPerRoom: 5000 };
    const keyPrefix = 'failover-recovery';
    // The killed master serves the room (its log and channel), not the sessions' slot.
    const sessionsMaster = redis.masterOf(`{${keyPrefix}}:nodes`);
    const victim = redis.masters().find((m) => m !== sessionsMaster)!;
    const room = pickRooms(redis, 1).find((r) => redis.masterOf(channelOf(r)) === victim)!;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const apps: WsApp[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const adapter = new RedisAdapter({
          cluster: { rootNodes: redis.rootNodes },
          keyPrefix,
          logger: false,
        });
        apps.push(await bootstrap(RecoveryModule, { ...testOptions, recovery, adapter }));
      }
      const [a, b] = apps as [WsApp, WsApp];
      const ann = await open(urlOf(a.port, '/chat?user=ann'));
      const bob = await open(urlOf(b.port, '/chat?user=bob'));
      sockets.push(ann.socket, bob.socket);
      await ann.socket.request('join', room, 10_000);
      await bob.socket.request('join', room, 10_000);

      const said: Array<{ text: string; at: number; ok?: boolean }> = [];
      const replies: Array<Promise<void>> = [];
      const traffic = setInterval(() => {
        const push = { text: `m${said.length}`, at: Date.now() } as (typeof said)[number];
        said.push(push);
        replies.push(
          bob.socket.request('say', { room, text: push.text }, 30_000).then(
            (m) => void (push.ok = m.payload === 'ok'),
            () => void (push.ok = false),
          ),
        );
      }, 50);
      const live = (): string[] =>
        ann.socket.received.filter((m) => m.event === 'said').map((m) => String(m.payload));
      let promotedAt = 0;
      let killedAt = 0;
      try {
        await waitUntil(() => live().length >= 20, 30_000, 'live pushes before the kill');
        killedAt = Date.now();
        await redis.kill(victim);
        await waitUntil(
          () => {
            const now = servingMaster(redis, channelOf(room));
            return now !== undefined && now !== victim && redis.nodes.filter(alive).every(clusterOk);
          },
          30_000,
          'the promotion of a replica',
        );
        promotedAt = Date.now();
        // Live pushes flow again (one sent after the promotion arrives).
        await waitUntil(
          () => live().some((text) => said.find((p) => p.text === text)!.at > promotedAt),
          RESUME_BOUND_MS,
          'a live push sent after the promotion',
        );
        await new Promise((resolve) => setTimeout(resolve, 2000)); // and keep flowing
      } finally {
        clearInterval(traffic);
      }
      await Promise.all(replies);
      await settle([ann.socket], 1000);
      const seenLive = live();

      await drop(ann.socket);
      // Said while the client is away, after the failover: the tail its resume must replay.
      for (let k = 0; k < 5; k++) {
        said.push({ text: `m${said.length}`, at: Date.now() });
        await bob.socket.request('say', { room, text: said[said.length - 1]!.text }, 30_000);
      }
      const again = await open(
        resumeUrl(a.port, '/chat', ann.session.token, offsetsOf(ann.socket.received), 'user=ann&'),
      );
      sockets.push(again.socket);
      expect(again.session).toMatchObject({ id: ann.session.id, resumed: true });
      await bob.socket.request('say', { room, text: 'after' }, 30_000);
      await again.socket.waitFor((m) => m.payload === 'after', 10_000);
      const replayed = again.socket.received
        .filter((m) => m.event === 'said' && m.payload !== 'after')
        .map((m) => String(m.payload));

      // What the room's log holds now (on the promoted replica): what a resume can replay.
      const logged = await loggedTexts(redis, `${keyPrefix}:{room:${room}}:log`);
      const got = [...seenLive, ...replayed];
      const dropped = said.filter((p) => !got.includes(p.text));
      const lastLive = logged.findIndex((t) => t === seenLive[seenLive.length - 1]);
      const holes = logged.slice(0, lastLive).filter((t) => !got.includes(t));
      console.log(
        `cluster failover with recovery: ${JSON.stringify({
          said: said.length,
          live: seenLive.length,
          replayed: replayed.length,
          logged: logged.length,
          liveNotLogged: seenLive.filter((t) => !logged.includes(t)).length,
          dropped: dropped.length,
          holes: holes.map((t) => said.find((p) => p.text === t)!.at - promotedAt),
          droppedWithinMs: dropped.length === 0 ? 0 : Math.max(...dropped.map((p) => p.at)) - killedAt,
        })}`,
      );
      expect(new Set(got).size).toBe(got.length); // each push once, live or replayed
      const index = (text: string): number => Number(text.slice(1));
      expect(replayed.map(index)).toEqual(replayed.map(index).sort((x, y) => x - y)); // in the order said
      // A resume replays the logged pushes after the client's last offset (the tail it missed), never
      // a hole before it: a push logged and published while its node was not yet subscribed again,
      // followed by pushes it did receive, is lost for that connection.
      expect(replayed).toEqual(logged.slice(lastLive + 1).filter((t) => t !== 'after'));
      expect(replayed.slice(-5)).toEqual(said.slice(-5).map((p) => p.text));
      // What was lost (never logged: its master was dead; or a hole) was said during the failover only.
      expect(dropped.filter((p) => p.at < killedAt - 1000 || p.at > promotedAt + RESUME_BOUND_MS)).toEqual(
        [],
      );
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await Promise.all(apps.map((app) => app.close({ timeoutMs: 2000 })));
    }
  });
});

/** The payloads of a room log's entries. */
async function loggedTexts(redis: RedisCluster, key: string): Promise<string[]> {
  const client = createCluster({
    rootNodes: redis.nodes.filter(alive).map((n) => ({ url: `redis://127.0.0.1:${n.port}` })),
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const entries = (await client.sendCommand(key, true, ['XRANGE', key, '-', '+'])) as Array<
      [string, string[]]
    >;
    return entries.map(([, fields]) => {
      const data = fields[fields.indexOf('d') + 1] ?? '{}';
      return String((JSON.parse(data) as { payload?: unknown }).payload);
    });
  } finally {
    client.destroy();
  }
}

function channelOf(room: string): string {
  return `failover:{room:${room}}#room`;
}

/** `perMaster` room names for each master, by their channel's slot. */
function pickRooms(redis: RedisCluster, perMaster: number): string[] {
  const ranges = redis.slotRanges();
  const byMaster = new Map<number, string[]>();
  for (let i = 0; [...byMaster.values()].reduce((n, r) => n + r.length, 0) < perMaster * 3; i++) {
    const room = `room-${i}`;
    const slot = keySlot(channelOf(room));
    const port = ranges.find((r) => slot >= r.from && slot <= r.to)!.port;
    const list = byMaster.get(port) ?? [];
    if (list.length < perMaster) byMaster.set(port, [...list, room]);
  }
  // Master by master: each client's rooms (every NODES-th one) sit on different masters.
  return [...byMaster.values()].flat();
}

function servingMaster(redis: RedisCluster, key: string): ClusterNode | undefined {
  try {
    return redis.masterOf(key);
  } catch {
    return undefined; // no master serves it right now (failover under way)
  }
}

function alive(node: ClusterNode): boolean {
  return node.child.exitCode === null && node.child.signalCode === null;
}

function clusterOk(node: ClusterNode): boolean {
  return RedisCluster.info(node.port).includes('cluster_state:ok');
}

/** Texts a client received more than once. */
function duplicates(clients: TestSocket[]): string[] {
  const out: string[] = [];
  for (const client of clients) {
    const seen = new Set<string>();
    for (const m of client.received) {
      if (m.event !== 'room-message' && m.event !== 'direct-message') continue;
      const text = String(m.payload);
      if (seen.has(text)) out.push(text);
      seen.add(text);
    }
  }
  return out;
}

/** Waits until no client received anything for `quietMs`. */
async function settle(clients: TestSocket[], quietMs: number): Promise<void> {
  let last = -1;
  for (;;) {
    const now = clients.reduce((n, c) => n + c.received.length, 0);
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
