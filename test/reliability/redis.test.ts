/**
 * Reliability 8 (with Redis): Redis restarted under traffic, and a node killed under traffic,
 * counting what was sent and received. Reuses the Redis suite's harness (test/redis/support): it
 * starts its own redis-server on a free port and skips loudly where redis-server is missing.
 *
 * What is promised, and so must never be lost: local room delivery (never waits on Redis), and a
 * `clients.send(id)` that resolved `true`. Room broadcasts to other nodes travel over pub/sub and
 * are at-most-once: the ones published while Redis is down are dropped, never duplicated or reordered.
 */
import type { TestSocket, Received } from '../support/ws-test-client';
import { startChildNode } from '../redis/support/child-node-process';
import { eventually, openClient, startNode, type RedisNode } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { watchFaults } from './support/fault-watch';
import { hold, report } from './support/figures';

/** Payloads of one event, in arrival order. */
function numbers(socket: TestSocket, event: string): number[] {
  return socket.received.filter((m: Received) => m.event === event).map((m) => m.payload as number);
}

function strictlyIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

describeRedis('reliability with Redis', () => {
  const redis = new RedisServer();
  const watch = watchFaults();
  let run = 0;
  let sockets: TestSocket[] = [];
  let nodes: RedisNode[] = [];

  beforeAll(() => redis.start());
  afterAll(async () => {
    watch.stop();
    await redis.stop();
  });
  afterEach(async () => {
    await redis.start().catch(() => undefined);
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(nodes.map((n) => n.app.close({ timeoutMs: 1000 })));
    sockets = [];
    nodes = [];
  });

  test('Redis restarted under traffic: local ticks and promised sends all arrive; remote ticks are at-most-once, in order', async () => {
    const options = { url: redis.url, keyPrefix: `rel-restart-${++run}`, heartbeatMs: 200, nodeTimeoutMs: 3000, requestTimeoutMs: 3000 };
    const a = await startNode(options);
    const b = await startNode(options);
    nodes = [a, b];
    const onA = await openClient(a.app.port, sockets);
    const onB = await openClient(b.app.port, sockets);
    await onA.request('join', 'r');
    await onB.request('join', 'r');
    await eventually(async () => (await a.rooms.members('r')).length === 2, 3000, 'both members visible');

    let ticks = 0;
    let stop = false;
    const promised: number[] = [];
    const refused: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        await a.rooms.to('r').emit('tick', ++ticks);
        await hold(5);
      }
    })();
    const sends = (async () => {
      for (let k = 1; !stop; k++) {
        if (await a.clients.send(onB.id, 'direct', k)) promised.push(k);
        else refused.push(k);
        await hold(20);
      }
    })();

    await hold(500);
    await redis.stop();
    await eventually(() => !a.adapter.isConnected(), 3000, 'node A seeing Redis down');
    await hold(500);
    await redis.start();
    const resumedFrom = ticks;
    await onB.waitFor((m) => m.event === 'tick' && (m.payload as number) > resumedFrom, 10_000, 'remote ticks again');
    await hold(500);
    stop = true;
    await Promise.all([traffic, sends]);
    await onA.waitFor((m) => m.event === 'tick' && m.payload === ticks, 3000, 'last local tick');
    await hold(300); // the last remote frames

    const local = numbers(onA, 'tick');
    const remote = numbers(onB, 'tick');
    const direct = numbers(onB, 'direct');
    report('redis', {
      scenario: 'Redis restarted under traffic',
      ticksSent: ticks,
      localReceived: local.length,
      remoteReceived: remote.length,
      remoteLostDuringOutage: ticks - remote.length,
      sendsPromised: promised.length,
      sendsRefused: refused.length,
      promisedReceived: promised.filter((k) => direct.includes(k)).length,
    });
    expect(local).toEqual(Array.from({ length: ticks }, (_, i) => i + 1));
    expect(strictlyIncreasing(remote)).toBe(true);
    expect(promised.every((k) => direct.filter((d) => d === k).length === 1)).toBe(true);
    expect(new Set(direct).size).toBe(direct.length);
    expect(watch.unhandled).toEqual([]);
  });

  test('a node killed under traffic: the survivors get every tick and every promised send', async () => {
    const options = { url: redis.url, keyPrefix: `rel-kill-${++run}`, heartbeatMs: 300, nodeTimeoutMs: 1500, requestTimeoutMs: 600 };
    const a = await startNode(options);
    const b = await startNode(options);
    nodes = [a, b];
    const child = await startChildNode(options);
    try {
      const onA = await openClient(a.app.port, sockets);
      const onB = await openClient(b.app.port, sockets);
      const onC = await openClient(child.port, sockets);
      for (const s of [onA, onB, onC]) await s.request('join', 'k');
      await eventually(async () => (await a.rooms.members('k')).length === 3, 3000, 'three members visible');

      let ticks = 0;
      let stop = false;
      const promised: number[] = [];
      const traffic = (async () => {
        while (!stop) {
          await a.rooms.to('k').emit('tick', ++ticks);
          if (ticks % 4 === 0 && (await a.clients.send(onB.id, 'direct', ticks))) promised.push(ticks);
          await hold(5);
        }
      })();
      await hold(500);
      child.signal('SIGKILL');
      await eventually(async () => (await a.clients.ids()).length === 2, 5000, 'purge of the killed node');
      await hold(500);
      stop = true;
      await traffic;
      await onA.waitFor((m) => m.event === 'tick' && m.payload === ticks, 3000, 'last tick on A');
      await onB.waitFor((m) => m.event === 'tick' && m.payload === ticks, 3000, 'last tick on B');

      const all = Array.from({ length: ticks }, (_, i) => i + 1);
      const direct = numbers(onB, 'direct');
      report('redis', {
        scenario: 'node killed (SIGKILL) under traffic',
        ticksSent: ticks,
        survivorAReceived: numbers(onA, 'tick').length,
        survivorBReceived: numbers(onB, 'tick').length,
        killedNodeClientReceived: numbers(onC, 'tick').length,
        sendsPromised: promised.length,
        promisedReceived: promised.filter((k) => direct.includes(k)).length,
      });
      expect(numbers(onA, 'tick')).toEqual(all);
      expect(numbers(onB, 'tick')).toEqual(all);
      expect(promised.every((k) => direct.filter((d) => d === k).length === 1)).toBe(true);
      expect(watch.unhandled).toEqual([]);
    } finally {
      await child.kill();
    }
  });
});
