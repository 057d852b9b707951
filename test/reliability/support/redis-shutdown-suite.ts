/**
 * The shutdown suite of reliability item 4 (redis-shutdown*.test.ts run it on node-redis 5 and 6): `app.close()` always resolves, whatever Redis does. With Redis
 * frozen (SIGSTOP: a partition without a reset), dead (SIGKILL) or slow (CLIENT PAUSE), close()
 * resolves within its timeout, and nothing is thrown or rejected unhandled afterwards, also once
 * Redis comes back. The README's SIGTERM recipe, run in a child process, exits 0 with Redis frozen.
 * A throw-away redis-server on a free port; sockets on loopback.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { WsApp } from 'ws-controllers';
import { connect, urlOf, type TestSocket } from '../../support/ws-test-client';
import {
  eventually,
  openClient,
  redisCommand,
  startNode,
  type RedisNode,
} from '../../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../../redis/support/redis-server';
import { watchFaults } from './fault-watch';
import { hold, report } from './figures';

const CLOSE_TIMEOUT_MS = 2000;
// Timers on a loaded 2-core machine fire late; the bound is the timeout plus this much.
const SLACK_MS = 400;

/** Closes an app; how long it took and whether it resolved. */
async function timedClose(app: WsApp, timeoutMs: number): Promise<{ ms: number; outcome: string }> {
  const started = Date.now();
  const outcome = await app.close({ timeoutMs }).then(
    () => 'resolved',
    (error: unknown) => `rejected: ${String(error)}`,
  );
  return { ms: Date.now() - started, outcome };
}

/** Registers the suite; `driver` names the node-redis major the adapter runs on in this file. */
export function runShutdownSuite(driver: string, options: { recipe: boolean }): void {
  describeRedis(`reliability with Redis (${driver}): app.close() whatever Redis does`, () => {
    const redis = new RedisServer();
    const watch = watchFaults();
    let run = 0;
    let nodes: RedisNode[] = [];
    let sockets: TestSocket[] = [];
    let faultsBefore = 0;

    const faults = (): unknown[] => [...watch.unhandled, ...watch.uncaught].slice(faultsBefore);

    beforeAll(() => redis.start());
    afterAll(async () => {
      watch.stop();
      await redis.stop();
    });
    beforeEach(() => {
      faultsBefore = watch.unhandled.length + watch.uncaught.length;
    });
    afterEach(async () => {
      redis.signal('SIGCONT');
      await redis.start().catch(() => undefined);
      await Promise.all(sockets.map((s) => s.close()));
      await Promise.all(nodes.map((n) => n.app.close({ timeoutMs: 1000 })));
      sockets = [];
      nodes = [];
    });

    // Two nodes with clients on both (one in a room), so heartbeats, registry writes, the inbox
    // reader and pub/sub are all live when Redis stops answering.
    async function cluster(): Promise<[RedisNode, RedisNode]> {
      const options = {
        url: redis.url,
        keyPrefix: `rel-shutdown-${++run}`,
        heartbeatMs: 200,
        nodeTimeoutMs: 3000,
        requestTimeoutMs: 1500,
      };
      nodes = [await startNode(options), await startNode(options)];
      const onA = await openClient(nodes[0]!.app.port, sockets);
      const onB = await openClient(nodes[1]!.app.port, sockets);
      await onA.request('join', 'r');
      await onB.request('join', 'r');
      await eventually(
        async () => (await nodes[0]!.rooms.members('r')).length === 2,
        3000,
        'both members visible',
      );
      return nodes as [RedisNode, RedisNode];
    }

    // Redis is answering again (a fresh connection gets its PING through), then a moment for the
    // replies to what the closed nodes had queued to arrive, if anything still listened for them.
    async function afterRedisIsBack(): Promise<void> {
      await eventually(
        async () => (await redisCommand(redis.url, ['PING']).catch(() => []))[0] === 'PONG',
        5000,
        'Redis answering',
      );
      await hold(500);
    }

    test('Redis frozen (SIGSTOP): close() resolves within its timeout; nothing is thrown after SIGCONT', async () => {
      const [a, b] = await cluster();
      redis.signal('SIGSTOP');
      await a.rooms.to('r').emit('while-frozen', 1); // a PUBLISH left queued on the frozen connection
      const [closeA, closeB] = await Promise.all([
        timedClose(a.app, CLOSE_TIMEOUT_MS),
        timedClose(b.app, CLOSE_TIMEOUT_MS),
      ]);
      redis.signal('SIGCONT');
      await afterRedisIsBack();
      report('redis-shutdown', {
        driver,
        scenario: 'Redis frozen (SIGSTOP)',
        timeoutMs: CLOSE_TIMEOUT_MS,
        closeA,
        closeB,
        faultsAfterThaw: faults().length,
      });
      expect(closeA.outcome).toBe('resolved');
      expect(closeB.outcome).toBe('resolved');
      expect(Math.max(closeA.ms, closeB.ms)).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
      expect(faults()).toEqual([]);
    });

    test('Redis dead (SIGKILL) and later restarted: close() resolves within its timeout; nothing is thrown after', async () => {
      const [a, b] = await cluster();
      await redis.stop(); // the nodes may not have noticed yet when close() starts
      const [closeA, closeB] = await Promise.all([
        timedClose(a.app, CLOSE_TIMEOUT_MS),
        timedClose(b.app, CLOSE_TIMEOUT_MS),
      ]);
      await redis.start();
      await afterRedisIsBack();
      report('redis-shutdown', {
        driver,
        scenario: 'Redis dead (SIGKILL)',
        timeoutMs: CLOSE_TIMEOUT_MS,
        closeA,
        closeB,
        faultsAfterRestart: faults().length,
      });
      expect(closeA.outcome).toBe('resolved');
      expect(closeB.outcome).toBe('resolved');
      expect(Math.max(closeA.ms, closeB.ms)).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
      expect(faults()).toEqual([]);
    });

    test('Redis slow (CLIENT PAUSE 3 s, longer than the timeout): close() resolves within its timeout; nothing is thrown after', async () => {
      const [a, b] = await cluster();
      await redisCommand(redis.url, ['CLIENT', 'PAUSE', '3000', 'ALL']);
      const pausedAt = Date.now();
      const [closeA, closeB] = await Promise.all([
        timedClose(a.app, CLOSE_TIMEOUT_MS),
        timedClose(b.app, CLOSE_TIMEOUT_MS),
      ]);
      await hold(3000 - (Date.now() - pausedAt));
      await afterRedisIsBack();
      report('redis-shutdown', {
        driver,
        scenario: 'Redis slow (CLIENT PAUSE 3000 ALL)',
        timeoutMs: CLOSE_TIMEOUT_MS,
        closeA,
        closeB,
        faultsAfterPause: faults().length,
      });
      expect(closeA.outcome).toBe('resolved');
      expect(closeB.outcome).toBe('resolved');
      expect(Math.max(closeA.ms, closeB.ms)).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
      expect(faults()).toEqual([]);
    });

    test('Redis frozen, a close timeout shorter than the leave wait: close() still resolves within it', async () => {
      const [a, b] = await cluster();
      redis.signal('SIGSTOP');
      const [closeA, closeB] = await Promise.all([timedClose(a.app, 300), timedClose(b.app, 300)]);
      redis.signal('SIGCONT');
      await afterRedisIsBack();
      report('redis-shutdown', {
        driver,
        scenario: 'Redis frozen, close timeout 300 ms',
        timeoutMs: 300,
        closeA,
        closeB,
        faultsAfterThaw: faults().length,
      });
      expect([closeA.outcome, closeB.outcome]).toEqual(['resolved', 'resolved']);
      expect(Math.max(closeA.ms, closeB.ms)).toBeLessThanOrEqual(300 + SLACK_MS);
      expect(faults()).toEqual([]);
    });

    test('Redis slow but answering within the timeout (CLIENT PAUSE 400 ms): the node still leaves the cluster', async () => {
      const [a] = await cluster();
      const prefix = `rel-shutdown-${run}`;
      await redisCommand(redis.url, ['CLIENT', 'PAUSE', '400', 'ALL']);
      const closeA = await timedClose(a.app, CLOSE_TIMEOUT_MS);
      const [nodesLeft] = await redisCommand<string[]>(redis.url, ['ZRANGE', `${prefix}:nodes`, '0', '-1']);
      report('redis-shutdown', {
        driver,
        scenario: 'Redis slow within the timeout (CLIENT PAUSE 400 ALL)',
        timeoutMs: CLOSE_TIMEOUT_MS,
        closeA,
        nodesLeft: nodesLeft?.length,
      });
      expect(closeA.outcome).toBe('resolved');
      expect(nodesLeft).toEqual([nodes[1]!.adapter.nodeId]);
      expect(faults()).toEqual([]);
    });

    (options.recipe ? test : test.skip)(
      "the README's SIGTERM recipe exits 0 with Redis frozen, its clients closed with 1001",
      async () => {
        const child = spawn(
          process.execPath,
          [
            '-r',
            path.join(__dirname, '../../redis/support/ts-hook.js'),
            path.join(__dirname, 'sigterm-app.ts'),
            redis.url,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        try {
          const port = await new Promise<number>((resolve, reject) => {
            let out = '';
            const timer = setTimeout(
              () => reject(new Error(`the recipe app did not start in 15 s: ${stderr}`)),
              15_000,
            );
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              if (!out.includes('\n')) return;
              clearTimeout(timer);
              resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
            });
            void exited.then(() => reject(new Error(`the recipe app exited early: ${stderr}`)));
          });
          const client = await connect(urlOf(port, '/room'));
          sockets.push(client);
          await client.request('join', 'r');

          redis.signal('SIGSTOP');
          const started = Date.now();
          child.kill('SIGTERM');
          const exit = await Promise.race([
            exited,
            hold(15_000).then(() => ({ code: -1, signal: 'still running after 15 s' })),
          ]);
          const ms = Date.now() - started;
          const closed = await client.closed;
          report('redis-shutdown', {
            driver,
            scenario: 'SIGTERM recipe, Redis frozen',
            exit,
            exitAfterMs: ms,
            clientClose: closed.code,
            stderr: stderr.slice(0, 300),
          });
          expect(exit).toEqual({ code: 0, signal: null });
          expect(closed.code).toBe(1001);
          expect(stderr).toBe('');
        } finally {
          redis.signal('SIGCONT');
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGKILL');
            await exited;
          }
        }
      },
    );
  });
}
