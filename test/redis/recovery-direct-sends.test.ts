/**
 * Sends by id across nodes with session recovery (reliability 17.2's lost sends): the client's node
 * answers `true` only once the direct push is in the session's log, so a node that dies right after
 * answering loses nothing a resume could not replay.
 */
import { bootstrap, ClientService, type WsApp } from 'ws-controllers';
import { NodeRedisDriver, RedisAdapter } from 'ws-controllers/redis';
import { testOptions } from '../support/quiet';
import type { TestSocket } from '../support/ws-test-client';
import { RecoveryModule } from '../recovery/fixture';
import { drop, offsetsOf, open, resumeUrl } from '../recovery/support';
import { CountingDriver } from './support/counting-driver';
import { describeRedis, RedisServer } from './support/redis-server';

const redis = new RedisServer();
const RECOVERY = { windowMs: 10_000, maxPerRoom: 100 };

// EVALSHA <sha> 2 <session> <direct> ...: the direct-log append (the detached-session one has 3 keys).
const isDirectAppend = (args: readonly string[]): boolean =>
  args[0] === 'EVALSHA' && args[2] === '2' && String(args[4]).endsWith(':direct');

describeRedis('sends by id across nodes with session recovery', () => {
  const apps: WsApp[] = [];
  const sockets: TestSocket[] = [];
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close().catch(() => undefined)));
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  async function start(prefix: string, driver?: CountingDriver): Promise<WsApp> {
    const adapter = new RedisAdapter({ ...(driver ? { driver } : { url: redis.url }), keyPrefix: prefix, logger: false });
    const app = await bootstrap(RecoveryModule, { ...testOptions, recovery: RECOVERY, adapter });
    apps.push(app);
    return app;
  }

  test('the client node answers true only once the push is logged; a resume elsewhere replays it', async () => {
    const prefix = `direct-${Date.now()}`;
    const driver = new CountingDriver(new NodeRedisDriver({ url: redis.url, maxQueuedCommands: 10_000 }));
    const a = await start(prefix, driver);
    const b = await start(prefix);
    const first = await open(`ws://127.0.0.1:${a.port}/chat?user=ann`);
    sockets.push(first.socket);
    const before = offsetsOf(first.socket.received);

    const held = driver.hold(isDirectAppend);
    let settled = false;
    const sending = b
      .get(ClientService)
      .send(first.session.id, 'dm', 'psst')
      .finally(() => (settled = true));
    // Written to the open socket at once ...
    expect(await first.socket.next('dm')).toEqual({ event: 'dm', payload: 'psst', offset: expect.stringMatching(/^d/) });
    // ... but not acknowledged: the ack (an XADD to b's inbox) would have been issued in the same turn.
    expect(held.seen).toBe(1);
    expect(driver.log.filter((line) => line.startsWith('XADD'))).toEqual([]);
    expect(settled).toBe(false);
    held.release();
    expect(await sending).toBe(true);

    // The push is in the log: a resume on the other node from the offsets before it replays it.
    await drop(first.socket);
    const resumed = await open(resumeUrl(b.port, '/chat', first.session.token, before));
    sockets.push(resumed.socket);
    expect(resumed.session).toEqual({ ...first.session, resumed: true });
    expect(await resumed.socket.next('dm')).toEqual({ event: 'dm', payload: 'psst', offset: expect.stringMatching(/^d/) });
  });

  test('a resume numbers new direct pushes after the offset the client saw, even one its node never logged', async () => {
    const prefix = `direct-num-${Date.now()}`;
    const a = await start(prefix);
    const first = await open(`ws://127.0.0.1:${a.port}/chat?user=bob`);
    sockets.push(first.socket);
    await drop(first.socket);
    // The client says it saw a direct push numbered 20 s ahead (sent by a node whose clock runs ahead,
    // which then died before logging it).
    const ahead = `d${Date.now() + 20_000}-5`;
    const resumed = await open(resumeUrl(a.port, '/chat', first.session.token, { rooms: {}, direct: ahead }));
    sockets.push(resumed.socket);
    expect(resumed.session.resumed).toBe(true);
    expect(await a.get(ClientService).send(first.session.id, 'dm', 'next')).toBe(true);
    const next = (await resumed.socket.next('dm')) as unknown as { offset: string };
    expect(next.offset.localeCompare(ahead, 'en', { numeric: true })).toBeGreaterThan(0);
  });

  test('an offset from further ahead than any clock could be is not numbered after (made up by the client)', async () => {
    const prefix = `direct-far-${Date.now()}`;
    const a = await start(prefix);
    const first = await open(`ws://127.0.0.1:${a.port}/chat?user=eve`);
    sockets.push(first.socket);
    await drop(first.socket);
    const far = `d${Date.now() + 3_600_000}-5`;
    const resumed = await open(resumeUrl(a.port, '/chat', first.session.token, { rooms: {}, direct: far }));
    sockets.push(resumed.socket);
    expect(resumed.session.resumed).toBe(true);
    expect(await a.get(ClientService).send(first.session.id, 'dm', 'next')).toBe(true);
    const next = (await resumed.socket.next('dm')) as unknown as { offset: string };
    expect(Number(next.offset.slice(1, next.offset.indexOf('-')))).toBeLessThanOrEqual(Date.now());
  });
});
