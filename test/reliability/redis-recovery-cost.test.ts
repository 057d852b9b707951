/**
 * Reliability 17.1 (with Redis): a resume costs what the client missed, not what the cluster carried.
 * One session in room `mine` misses 10 pushes while 100,000 go to 100 other rooms (and the broadcast
 * log stays quiet for it): the resume read is one pipeline of one XRANGE per log of the session,
 * returns exactly the 10, and takes about as long as with no other traffic at all.
 */
import { bootstrap, RoomService, type AdapterHost, type BroadcastPacket, type WsApp } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import type { RecoverySettings, ResumeRead } from '../../src/recovery/store';
import type { RedisRecoveryStore } from '../../src/redis/recovery-store';
import { NodeRedisDriver } from '../../src/redis/node-redis-driver';
import { CountingDriver } from '../redis/support/counting-driver';
import { FakeHost } from '../redis/support/fake-host';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { RecoveryModule } from '../recovery/fixture';
import { drop, offsetsOf, open, resumeUrl } from '../recovery/support';
import { testOptions } from '../support/quiet';
import { urlOf, type Received } from '../support/ws-test-client';
import { report } from './support/figures';

const SETTINGS: RecoverySettings = { windowMs: 120_000, maxPerRoom: 1000, historyTtlMs: 3_600_000 };
const OTHER_PUSHES = 100_000;
const OTHER_ROOMS = 100;
const IN_FLIGHT = 256;

/** A node that counts what it would deliver instead of keeping it. */
class CountingHost extends FakeHost {
  delivered = 0;

  override deliverLocal(): number {
    this.delivered++;
    return 0;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describeRedis('reliability: resume cost with Redis', () => {
  const redis = new RedisServer();
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('resuming with 10 missed while 100,000 pushes went to other rooms reads 10 entries in one round trip, under 50 ms', async () => {
    const host: AdapterHost & CountingHost = new CountingHost();
    const driver = new CountingDriver(new NodeRedisDriver({ url: redis.url, maxQueuedCommands: 100_000 }));
    const adapter = new RedisAdapter({ driver, keyPrefix: 'cost', logger: false });
    await adapter.init(host);
    const store = adapter.recoveryStore(host, SETTINGS) as RedisRecoveryStore;
    try {
      await store.create({
        id: 'me',
        path: '/chat',
        secret: 's',
        rooms: { mine: '' },
        broadcastFrom: '',
        directFrom: '',
        data: '{}',
      });
      const missTen = async (): Promise<string> => {
        const from = (await store.get('me'))!.rooms.mine!;
        for (let i = 0; i < 10; i++)
          await store.publish({ data: JSON.stringify({ event: 'm', payload: i }), rooms: ['mine'] });
        return from;
      };
      const resume = async (from: string): Promise<{ ms: number; read: ResumeRead; commands: number }> => {
        const before = driver.commands;
        const started = process.hrtime.bigint();
        const read = await store.read(
          'me',
          { rooms: { mine: from }, direct: '', broadcast: '' },
          SETTINGS.maxPerRoom,
        );
        return {
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          read,
          commands: driver.commands - before,
        };
      };
      const timeResume = async (from: string): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 21; i++) times.push((await resume(from)).ms);
        return median(times);
      };

      // Baseline: nothing else in the cluster.
      const quietFrom = await missTen();
      const quietMs = await timeResume(quietFrom);

      // 100,000 pushes to other rooms, IN_FLIGHT at a time, then the client misses 10 in its own.
      const started = Date.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < OTHER_PUSHES) {
          const n = next++;
          const packet: BroadcastPacket = {
            data: JSON.stringify({ event: 'other', payload: n }),
            rooms: [`other-${n % OTHER_ROOMS}`],
          };
          await store.publish(packet);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const trafficMs = Date.now() - started;
      const from = (await store.history('mine', 1))[0]!.id;
      for (let i = 0; i < 10; i++)
        await store.publish({ data: JSON.stringify({ event: 'm', payload: 10 + i }), rooms: ['mine'] });

      const one = await resume(from);
      expect(one.commands).toBe(3); // one XRANGE per log (room, direct, broadcast), pipelined
      expect(one.read.rooms.mine).not.toBe('gap');
      const missed = one.read.rooms.mine as Exclude<ResumeRead['rooms'][string], 'gap'>;
      expect(missed.map((p) => JSON.parse(p.data).payload)).toEqual(
        Array.from({ length: 10 }, (_, i) => 10 + i),
      );
      expect(one.read.direct).toEqual([]);
      expect(one.read.broadcast).toEqual([]);
      const busyMs = await timeResume(from);
      const [usedMemory] = [
        ((await driver.command(['INFO', 'memory'])) as string).match(/used_memory:(\d+)/)?.[1],
      ];

      report('17.1 resume cost (Redis)', {
        otherPushes: OTHER_PUSHES,
        otherRooms: OTHER_ROOMS,
        trafficSeconds: trafficMs / 1000,
        pushesPerSecond: Math.round(OTHER_PUSHES / (trafficMs / 1000)),
        resumeReadMedianMsQuiet: Math.round(quietMs * 100) / 100,
        resumeReadMedianMsBusy: Math.round(busyMs * 100) / 100,
        entriesRead: missed.length,
        roundTrips: 1,
        redisUsedMemoryMb: Math.round(Number(usedMemory) / 1024 / 102.4) / 10,
      });
      expect(busyMs).toBeLessThan(50);
    } finally {
      await store.close();
      await adapter.close({ timeoutMs: 1000 });
    }
  }, 170_000);

  test('over sockets: a client dropped while 100,000 pushes went to other rooms resumes with its 10 missed in under 50 ms', async () => {
    const apps: WsApp[] = [];
    const recovery = { windowMs: 120_000, maxPerRoom: 1000 };
    const start = async (): Promise<WsApp> => {
      const adapter = new RedisAdapter({ url: redis.url, keyPrefix: 'cost-sockets', logger: false });
      const app = await bootstrap(RecoveryModule, { ...testOptions, recovery, adapter });
      apps.push(app);
      return app;
    };
    try {
      const [a, b] = [await start(), await start()];
      const rooms = b.get(RoomService);
      // A client of node A joins `room` and drops; resume() brings it back once it missed 10 there.
      const dropIn = async (room: string) => {
        const opened = await open(urlOf(a.port, '/chat'));
        await opened.socket.request('join', room);
        const seen = [...opened.socket.received];
        await drop(opened.socket);
        return { ...opened, seen };
      };
      const resume = async (client: Awaited<ReturnType<typeof dropIn>>, room: string): Promise<number> => {
        for (let i = 0; i < 10; i++) await rooms.to(room).emit('m', i);
        const started = process.hrtime.bigint();
        const again = await open(resumeUrl(a.port, '/chat', client.session.token, offsetsOf(client.seen)));
        await again.socket.waitFor((m) => m.event === 'm' && m.payload === 9, 5000);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(again.session).toMatchObject({ id: client.session.id, resumed: true });
        const replayed = (again.socket.received as Array<Received & { offset?: string }>).filter(
          (m) => m.offset !== undefined,
        );
        expect(replayed.map((m) => m.payload)).toEqual(Array.from({ length: 10 }, (_, i) => i));
        await again.socket.close();
        return ms;
      };
      const probe = await open(urlOf(a.port, '/chat'));
      await probe.socket.request('join', 'probe');

      const quiet = async (tag: string): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) times.push(await resume(await dropIn(`${tag}-${i}`), `${tag}-${i}`));
        return median(times);
      };
      const quietBefore = await quiet('quiet-before'); // also warms the path up
      const away = [];
      for (let i = 0; i < 5; i++) away.push(await dropIn(`mine-${i}`));
      const started = Date.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < OTHER_PUSHES) {
          const n = next++;
          await rooms.to(`other-${n % OTHER_ROOMS}`).emit('other', n);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const trafficMs = Date.now() - started;
      // Node A has handled every live push of the traffic once this one reaches it (pub/sub order).
      await rooms.to('probe').emit('probe', 1);
      await probe.socket.waitFor((m) => m.event === 'probe', 30_000);
      const busyTimes: number[] = [];
      for (const [i, client] of away.entries()) busyTimes.push(await resume(client, `mine-${i}`));
      const busy = median(busyTimes);
      const quietAfter = await quiet('quiet-after');
      await probe.socket.close();

      report('17.1 resume cost over sockets (Redis)', {
        otherPushes: OTHER_PUSHES,
        trafficSeconds: trafficMs / 1000,
        emitsPerSecond: Math.round(OTHER_PUSHES / (trafficMs / 1000)),
        resumeToTenthMissedMedianMs: Math.round(busy * 10) / 10,
        resumeToTenthMissedMs: busyTimes.map((t) => Math.round(t * 10) / 10),
        quietResumeMedianBeforeMs: Math.round(quietBefore * 10) / 10,
        quietResumeMedianAfterMs: Math.round(quietAfter * 10) / 10,
        underFiftyMs: busy < 50,
      });
      // 50 ms is the goal; on a machine loaded past its cores a quiet resume alone can take longer, so
      // the bound is also relative: a resume that read the other rooms' 100,000 would blow both.
      expect(busy).toBeLessThan(Math.max(50, 2 * Math.max(quietBefore, quietAfter)));
    } finally {
      await Promise.all(apps.map((app) => app.close({ timeoutMs: 1000 })));
    }
  }, 170_000);
});
