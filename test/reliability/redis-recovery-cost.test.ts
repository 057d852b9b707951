/**
 * Reliability 17.1 (with Redis): a resume costs what the client missed, not what the cluster carried.
 * One session in room `mine` misses 10 pushes while 100,000 go to 100 other rooms (and the broadcast
 * log stays quiet for it): the resume read is one pipeline of one XRANGE per log of the session,
 * returns exactly the 10, and takes about as long as with no other traffic at all.
 */
import type { AdapterHost, BroadcastPacket } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import type { RecoverySettings, ResumeRead } from '../../src/recovery/store';
import type { RedisRecoveryStore } from '../../src/redis/recovery-store';
import { NodeRedisDriver } from '../../src/redis/node-redis-driver';
import { CountingDriver } from '../redis/support/counting-driver';
import { FakeHost } from '../redis/support/fake-host';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
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
});
