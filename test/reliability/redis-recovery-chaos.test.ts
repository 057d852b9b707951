/**
 * Reliability 17.2: session recovery under chaos. Three nodes in child processes on one test-started
 * redis-server, with recovery on; 200 clients in 20 rooms, each connected through a cutting TCP proxy
 * that routes every new connection to a live node; a publisher node (in this process, no clients)
 * keeps pushing to every room and sending to clients by id. Meanwhile the proxy cuts connections
 * 50 times at random moments (all of them, or a random part; by RST, or half-open) and one node is
 * SIGKILLed twice (restarted after each). Every client reconnects by itself with its token and
 * offsets. Asserted: every room push and every direct send that resolved `true` reaches its client
 * exactly once and in order, no session is lost, every client keeps its id.
 */
import { bootstrap, ClientService, PresenceService, RoomService, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import path from 'node:path';
import { startChildNode, type ChildNode } from '../redis/support/child-node-process';
import { eventually } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { ChaosClient } from './support/chaos-client';
import { ChaosModule } from './support/recovery-chaos-app';
import { CutProxy, type CutMode } from './support/cut-proxy';
import { watchFaults } from './support/fault-watch';
import { hold, report } from './support/figures';

const CLIENTS = 200;
const ROOMS = 20;
// CHAOS_CUTS, CHAOS_KILLS (0-2) and CHAOS_MODES (reset,half-open) narrow the chaos down when a run fails.
const CUTS = Number(process.env.CHAOS_CUTS ?? 50);
/** Cuts after which a node is killed (its restart runs while the cuts go on). */
const KILL_AT = new Set([Math.round(CUTS * 0.3), Math.round(CUTS * 0.7)].slice(0, Number(process.env.CHAOS_KILLS ?? 2)));
const MODES = (process.env.CHAOS_MODES ?? 'reset,half-open').split(',') as CutMode[];
/** One push per room every ROOM_TICK_MS; DIRECT_PER_TICK sends by id every DIRECT_TICK_MS. */
const ROOM_TICK_MS = 100;
const DIRECT_TICK_MS = 50;
const DIRECT_PER_TICK = 10;
const RECOVERY = { windowMs: 30_000, maxPerRoom: 1_000 };
const DIFF_INTERVAL_MS = 100;
const NODE_SCRIPT = path.join(__dirname, 'support', 'recovery-node.ts');

describeRedis('reliability 17.2: session recovery under cuts and node kills', () => {
  const redis = new RedisServer();
  const watch = watchFaults();
  const nodes: Array<ChildNode | undefined> = [undefined, undefined, undefined];
  const clients: ChaosClient[] = [];
  let proxy: CutProxy | undefined;
  let publisher: WsApp | undefined;

  beforeAll(() => redis.start());
  afterAll(async () => {
    for (const client of clients) client.stop();
    await proxy?.close();
    await publisher?.close({ timeoutMs: 2000 });
    for (const node of nodes) await node?.kill();
    watch.stop();
    await redis.stop();
  });

  test('200 clients, 50 cuts, 2 node kills: every push once and in order, ids kept', async () => {
    const started = Date.now();
    const adapter = {
      url: redis.url,
      keyPrefix: `rel-chaos-${Date.now()}`,
      // A loaded machine stalls a node's event loop for over a second now and then: a tighter timeout
      // purges live nodes.
      heartbeatMs: 500,
      nodeTimeoutMs: 3000,
      requestTimeoutMs: 5000, // the default: a loaded machine stalls Redis calls for over a second
    };
    // A node process compiles the sources at start (ts-hook): slow on a busy machine.
    const startNode = (): Promise<ChildNode> => startChildNode({ adapter, recovery: RECOVERY }, NODE_SCRIPT, 90_000);
    const startMs: number[] = [];
    const timedStart = async (): Promise<ChildNode> => {
      const t0 = Date.now();
      const node = await startNode();
      startMs.push(Date.now() - t0);
      return node;
    };
    (await Promise.all(nodes.map(() => timedStart()))).forEach((node, i) => (nodes[i] = node));
    publisher = await bootstrap(ChaosModule, {
      port: 0,
      host: '127.0.0.1',
      logger: false,
      recovery: RECOVERY,
      presence: { diffIntervalMs: DIFF_INTERVAL_MS },
      adapter: new RedisAdapter({ ...adapter, logger: false }),
    });
    const rooms = publisher.get(RoomService);
    const sender = publisher.get(ClientService);

    // New connections go to the live nodes in turn.
    let turn = 0;
    proxy = new CutProxy(() => {
      const live = nodes.filter((n): n is ChildNode => n !== undefined);
      return live.length === 0 ? undefined : live[turn++ % live.length]!.port;
    });
    const port = await proxy.listen();
    for (let i = 0; i < CLIENTS; i++) clients.push(new ChaosClient(`r${i % ROOMS}`, `ws://127.0.0.1:${port}/chat`));
    for (let i = 0; i < CLIENTS; i += 20) await Promise.all(clients.slice(i, i + 20).map((c) => c.start()));
    const ids = clients.map((c) => c.id!);
    expect(new Set(ids).size).toBe(CLIENTS);
    await eventually(
      async () => (await rooms.members('r0')).length === CLIENTS / ROOMS,
      5000,
      'room members visible cluster-wide',
    );

    // ---- traffic: one push in flight per room, one send in flight per target -------------------
    const trafficFrom = Date.now() - started;
    let stop = false;
    const roomSeq = new Array<number>(ROOMS).fill(0);
    const roomFailures: string[] = [];
    const roomBusy = new Array<boolean>(ROOMS).fill(false);
    const promised: number[][] = clients.map(() => []);
    const attempted = new Array<number>(CLIENTS).fill(0);
    let refused = 0;
    let rejected = 0;
    const targetBusy = new Array<boolean>(CLIENTS).fill(false);
    const roomTimer = setInterval(() => {
      for (let r = 0; r < ROOMS; r++) {
        if (stop || roomBusy[r]) continue;
        roomBusy[r] = true;
        const seq = ++roomSeq[r]!;
        rooms
          .to(`r${r}`)
          .emit('tick', { seq })
          .catch((error: unknown) => roomFailures.push(`r${r}#${seq}: ${String(error)}`))
          .finally(() => (roomBusy[r] = false));
      }
    }, ROOM_TICK_MS);
    let nextTarget = 0;
    const directTimer = setInterval(() => {
      for (let k = 0; k < DIRECT_PER_TICK && !stop; k++) {
        const t = nextTarget++ % CLIENTS;
        if (targetBusy[t]) continue;
        targetBusy[t] = true;
        const seq = ++attempted[t]!;
        sender
          .send(ids[t]!, 'dm', { seq })
          .then(
            (ok) => (ok ? promised[t]!.push(seq) : refused++),
            () => rejected++,
          )
          .finally(() => (targetBusy[t] = false));
      }
    }, DIRECT_TICK_MS);

    const stopTraffic = (): void => {
      stop = true;
      clearInterval(roomTimer);
      clearInterval(directTimer);
    };

    // ---- chaos: 50 cuts at random moments, two node kills (restarted) --------------------------
    const cutLog: Array<{ mode: CutMode; fraction: number; cut: number }> = [];
    const kills: Array<{ node: number; killedAt: number; restartedAt?: number }> = [];
    let restart: Promise<void> = Promise.resolve();
    try {
      for (let n = 1; n <= CUTS; n++) {
        await hold(200 + Math.random() * 800);
        const fraction = n % 5 === 0 ? 1 : 0.1 + Math.random() * 0.4;
        const mode = MODES[Math.floor(Math.random() * MODES.length)]!;
        cutLog.push({ mode, fraction, cut: proxy.cut(fraction, mode) });
        if (KILL_AT.has(n)) {
          await restart; // two nodes always survive a kill
          const slot = Math.floor(Math.random() * nodes.length);
          const victim = nodes[slot]!;
          nodes[slot] = undefined; // no new connection goes there
          const kill = { node: slot, killedAt: Date.now() - started } as (typeof kills)[number];
          kills.push(kill);
          await victim.kill();
          // Its replacement starts at once, and takes connections once the survivors purged the dead one.
          restart = Promise.all([timedStart(), hold(adapter.nodeTimeoutMs)]).then(([node]) => {
            nodes[slot] = node;
            kill.restartedAt = Date.now() - started;
          });
        }
      }
      await restart;
      await hold(500);
    } finally {
      stopTraffic();
    }
    await eventually(() => !roomBusy.includes(true) && !targetBusy.includes(true), 10_000, 'publisher idle');

    // ---- settle: every client connected and caught up --------------------------------------------
    const caughtUp = (c: ChaosClient, i: number): boolean =>
      c.connected &&
      c.roomSeqs.at(-1) === roomSeq[Number(c.room.slice(1))] &&
      (promised[i]!.length === 0 || c.directSeqs.includes(promised[i]!.at(-1)!));
    const settleStart = Date.now();
    await eventually(() => clients.every(caughtUp), 20_000, 'every client caught up').catch(() => undefined);
    const settledMs = Date.now() - settleStart;

    // ---- presence: each room lists exactly its clients whose session lives, within diffIntervalMs + purge time
    const presence = publisher.get(PresenceService);
    const presenceWrong = async (): Promise<string[]> => {
      const wrong: string[] = [];
      for (let r = 0; r < ROOMS; r++) {
        const expected = clients.filter((c) => c.room === `r${r}` && c.lostSessions === 0).map((c) => c.id!).sort();
        const listed = (await presence.list(`r${r}`)).map((e) => e.clientId).sort();
        if (listed.join() !== expected.join()) wrong.push(`r${r}: listed ${listed.length}, expected ${expected.length}`);
      }
      return wrong;
    };
    const presenceBound = DIFF_INTERVAL_MS + adapter.nodeTimeoutMs + 2000;
    let presenceProblems: string[] = [];
    await eventually(async () => (presenceProblems = await presenceWrong()).length === 0, presenceBound, 'presence').catch(() => undefined);

    // ---- figures and checks ----------------------------------------------------------------------
    const problems: string[] = [];
    clients.forEach((c, i) => {
      const expected = Array.from({ length: roomSeq[Number(c.room.slice(1))]! }, (_, k) => k + 1);
      if (c.roomSeqs.join() !== expected.join()) problems.push(`${c.id} ${c.room}: ${difference(c.roomSeqs, expected)}`);
      // Every promised send arrives once, in order; a send that timed out may arrive (at most once).
      const got = c.directSeqs;
      const ordered = got.every((s, k) => k === 0 || s > got[k - 1]!);
      const missing = promised[i]!.filter((s) => !got.includes(s));
      if (!ordered || missing.length > 0) {
        const copies = got.flatMap((s, k) => (got.indexOf(s) !== k || got.lastIndexOf(s) !== k ? [`${s}@${c.directOffsets[k]}/s${c.directSession[k]}`] : []));
        problems.push(`${c.id} direct: missing ${missing.join(',')}; got ${got.join(',')}; copies ${copies.join(' ')}`);
      }
      if (c.lostSessions > 0 || c.idChanges > 0)
        problems.push(
          `${c.id}: ${c.lostSessions} sessions lost (at ${c.lostAt.map((t) => t - started).join(', ')} ms), ${c.idChanges} id changes; ` +
            `sockets closed at ${c.closes.map((t) => t - started).join(', ')} ms`,
        );
      if (c.strays.length > 0) problems.push(`${c.id}: pushes of other rooms ${c.strays.join(',')}`);
      if (!c.connected) problems.push(`${c.id}: not connected at the end`);
    });
    const figures = {
      clients: CLIENTS,
      rooms: ROOMS,
      cuts: cutLog.length,
      connectionsCut: cutLog.reduce((s, c) => s + c.cut, 0),
      halfOpenCuts: cutLog.filter((c) => c.mode === 'half-open').length,
      trafficFrom,
      kills,
      resumes: clients.reduce((s, c) => s + c.resumes, 0),
      failedOpens: clients.reduce((s, c) => s + c.failedOpens, 0),
      openedCloses: clients.reduce((s, c) => s + c.openedCloses, 0),
      socketErrors: Object.fromEntries(
        clients.reduce((all, c) => {
          for (const [m, n] of c.errors) all.set(m, (all.get(m) ?? 0) + n);
          return all;
        }, new Map<string, number>()),
      ),
      lostSessions: clients.reduce((s, c) => s + c.lostSessions, 0),
      proxyAccepted: proxy.accepted,
      proxyRefused: proxy.refused,
      roomPushes: roomSeq.reduce((s, n) => s + n, 0),
      roomDeliveriesExpected: clients.reduce((s, c) => s + roomSeq[Number(c.room.slice(1))]!, 0),
      roomDeliveriesReceived: clients.reduce((s, c) => s + c.roomSeqs.length, 0),
      roomPushFailures: roomFailures.length,
      sendsAttempted: attempted.reduce((s, n) => s + n, 0),
      sendsPromised: promised.reduce((s, p) => s + p.length, 0),
      sendsRefused: refused,
      sendsRejected: rejected,
      directReceived: clients.reduce((s, c) => s + c.directSeqs.length, 0),
      settledMs,
      presenceProblems,
      nodeStartMs: startMs,
      problems: problems.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    report('redis-recovery-chaos', { ...figures, firstProblems: problems.slice(0, 5), roomFailures: roomFailures.slice(0, 3) });
    expect(roomFailures).toEqual([]);
    expect(problems).toEqual([]);
    expect(presenceProblems).toEqual([]);
    // Every socket that lost its opened session (a cut or a kill) was followed by a resume (a cut that hit
    // a socket still in its handshake is a failed open: the client's next attempt resumes once for both).
    expect(figures.resumes).toBe(figures.openedCloses);
    expect(figures.resumes).toBeGreaterThan(CUTS);
    expect(watch.unhandled).toEqual([]);
    expect(watch.uncaught).toEqual([]);
  });
});

/** A short account of how a received sequence differs from the expected one. */
function difference(got: number[], expected: number[]): string {
  const seen = new Map<number, number>();
  for (const s of got) seen.set(s, (seen.get(s) ?? 0) + 1);
  const missing = expected.filter((s) => !seen.has(s));
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
  const disorder = got.findIndex((s, k) => k > 0 && s <= got[k - 1]!);
  return `${got.length}/${expected.length} received; missing [${missing.slice(0, 10).join(',')}${missing.length > 10 ? '…' : ''}] (${missing.length}); duplicated [${duplicated.slice(0, 10).join(',')}] (${duplicated.length}); first disorder at ${disorder}`;
}
