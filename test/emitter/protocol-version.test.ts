/**
 * Emitters and nodes of different Redis protocol versions fail loudly. The other side is played
 * with raw Redis commands, writing what a version-2 node or emitter would: the version field `w`.
 */
import { createClient } from 'redis';
import {
  createEmitter,
  ProtocolVersionError,
  REDIS_PROTOCOL_VERSION,
  type Emitter,
} from 'ws-controllers/emitter';
import type { TestSocket } from '../support/ws-test-client';
import {
  eventually,
  openClient,
  redisCommand,
  startNode,
  type RedisNode,
} from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';
import { captureLogger } from './support/capture-logger';

const OTHER = REDIS_PROTOCOL_VERSION + 1;

// Reads the next entry of a stream after `after` (blocking up to 3 s); its `m` field parsed.
async function nextEntry(
  url: string,
  key: string,
  after = '0-0',
): Promise<{ id: string; m: Record<string, unknown> }> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  try {
    const reply = (await client.sendCommand(['XREAD', 'BLOCK', '3000', 'STREAMS', key, after])) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entry = reply?.[0]?.[1]?.[0];
    if (!entry) throw new Error(`no entry in ${key}`);
    const fields = entry[1];
    return {
      id: entry[0],
      m: JSON.parse(fields[fields.indexOf('m') + 1] ?? '{}') as Record<string, unknown>,
    };
  } finally {
    await client.close();
  }
}

describeRedis('Redis protocol versions', () => {
  const redis = new RedisServer();
  const keyPrefix = 'versions';
  const nodeLog = captureLogger();
  let node: RedisNode;
  let sockets: TestSocket[] = [];
  let emitter: Emitter;
  const emitterLog = captureLogger();

  // A long timeout: the other side is played by hand, over connections opened per step.
  beforeAll(async () => {
    await redis.start();
    node = await startNode({ url: redis.url, keyPrefix, requestTimeoutMs: 5000, logger: nodeLog });
    emitter = createEmitter({ url: redis.url, keyPrefix, requestTimeoutMs: 5000, logger: emitterLog });
  });
  afterAll(async () => {
    await emitter.close();
    await node.app.close();
    await redis.stop();
  });
  beforeEach(() => {
    sockets = [];
    nodeLog.lines.length = 0;
    emitterLog.lines.length = 0;
  });
  afterEach(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });

  test('every packet the emitter writes carries the version', async () => {
    const socket = await openClient(node.app.port, sockets);
    const probe = createClient({ url: redis.url });
    probe.on('error', () => {});
    await probe.connect();
    const seen: string[] = [];
    await probe.subscribe(`${keyPrefix}#broadcast`, (message) => seen.push(message));
    try {
      await emitter.broadcast('hello');
      await eventually(() => seen.length === 1, 2000, 'broadcast seen');
      expect(JSON.parse(seen[0]!.slice(0, seen[0]!.indexOf('\n')))).toMatchObject({
        n: emitter.id,
        w: REDIS_PROTOCOL_VERSION,
      });
      expect(await emitter.send(socket.id, 'x')).toBe(true);
      const ack = await nextEntry(redis.url, `${keyPrefix}:inbox:${emitter.id}`);
      // The ack the node wrote back carries the version too (the emitter had read it already).
      expect(ack.m).toMatchObject({ t: 'ack', f: node.adapter.nodeId, w: REDIS_PROTOCOL_VERSION });
    } finally {
      await probe.close();
    }
  });

  test('a send to a node of another version rejects with ProtocolVersionError and logs an error', async () => {
    // A version-2 node holding one client: its routing entry and inbox, as it would register them.
    await redisCommand(
      redis.url,
      ['HSET', `${keyPrefix}:clients`, 'v2-client', 'v2-node'],
      ['XADD', `${keyPrefix}:inbox:v2-node`, 'MAXLEN', '0', '*', 't', 'init'],
    );
    const sent = emitter.send('v2-client', 'notice', { text: 'hi' });
    const command = await nextEntry(redis.url, `${keyPrefix}:inbox:v2-node`);
    expect(command.m).toMatchObject({ t: 'send', c: 'v2-client', f: emitter.id, w: REDIS_PROTOCOL_VERSION });
    const ack = { t: 'ack', r: command.m.r, f: 'v2-node', w: OTHER, v: true };
    await redisCommand(redis.url, [
      'XADD',
      `${keyPrefix}:inbox:${emitter.id}`,
      '*',
      'm',
      JSON.stringify(ack),
    ]);
    const error = (await sent.catch((e: unknown) => e)) as ProtocolVersionError;
    expect(error).toBeInstanceOf(ProtocolVersionError);
    expect(error).toMatchObject({
      code: 'PROTOCOL_VERSION_MISMATCH',
      localVersion: REDIS_PROTOCOL_VERSION,
      remoteVersion: OTHER,
      remoteId: 'v2-node',
    });
    expect(error.message).toMatch(`v2-node speaks Redis protocol version ${OTHER}`);
    expect(emitterLog.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: error.message }),
    );
    await redisCommand(
      redis.url,
      ['HDEL', `${keyPrefix}:clients`, 'v2-client'],
      ['DEL', `${keyPrefix}:inbox:v2-node`],
    );
  });

  test('a node sending to a client on a node of another version gets false and logs an error', async () => {
    await redisCommand(
      redis.url,
      ['HSET', `${keyPrefix}:clients`, 'v2-client-2', 'v2-node-2'],
      ['XADD', `${keyPrefix}:inbox:v2-node-2`, 'MAXLEN', '0', '*', 't', 'init'],
    );
    const sent = node.clients.send('v2-client-2', 'notice');
    const command = await nextEntry(redis.url, `${keyPrefix}:inbox:v2-node-2`);
    const ack = { t: 'ack', r: command.m.r, f: 'v2-node-2', w: OTHER, v: true };
    await redisCommand(redis.url, [
      'XADD',
      `${keyPrefix}:inbox:${node.adapter.nodeId}`,
      '*',
      'm',
      JSON.stringify(ack),
    ]);
    expect(await sent).toBe(false);
    expect(nodeLog.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(`v2-node-2 speaks Redis protocol version ${OTHER}`),
      }),
    );
    await redisCommand(
      redis.url,
      ['HDEL', `${keyPrefix}:clients`, 'v2-client-2'],
      ['DEL', `${keyPrefix}:inbox:v2-node-2`],
    );
  });

  test('a node does not run a command of another version: it logs an error and acks with its own version', async () => {
    const socket = await openClient(node.app.port, sockets);
    await redisCommand(redis.url, ['XADD', `${keyPrefix}:inbox:v2-emitter`, 'MAXLEN', '0', '*', 't', 'init']);
    const command = {
      t: 'send',
      r: 'v2-request',
      f: 'v2-emitter',
      w: OTHER,
      x: Date.now() + 5000,
      c: socket.id,
    };
    await redisCommand(redis.url, [
      'XADD',
      `${keyPrefix}:inbox:${node.adapter.nodeId}`,
      '*',
      'm',
      JSON.stringify(command),
      'd',
      '{"event":"from-v2"}',
    ]);
    const ack = await nextEntry(redis.url, `${keyPrefix}:inbox:v2-emitter`);
    expect(ack.m).toMatchObject({
      t: 'ack',
      r: 'v2-request',
      f: node.adapter.nodeId,
      w: REDIS_PROTOCOL_VERSION,
      v: null,
    });
    expect(nodeLog.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(`v2-emitter speaks Redis protocol version ${OTHER}`),
      }),
    );
    // The client never got it; a message sent after it arrives alone.
    expect(await emitter.send(socket.id, 'after')).toBe(true);
    await socket.next('after');
    expect(socket.received.map((m) => m.event)).not.toContain('from-v2');
    await redisCommand(redis.url, ['DEL', `${keyPrefix}:inbox:v2-emitter`]);
  });

  test('a node drops a broadcast of another version with an error, and still takes one without a version (version 1)', async () => {
    const socket = await openClient(node.app.port, sockets);
    const channel = `${keyPrefix}#broadcast`;
    await redisCommand(
      redis.url,
      ['PUBLISH', channel, `${JSON.stringify({ n: 'v2-publisher', w: OTHER })}\n{"event":"from-v2"}`],
      ['PUBLISH', channel, `${JSON.stringify({ n: 'old-node' })}\n{"event":"from-v1"}`],
    );
    await socket.next('from-v1');
    expect(socket.received.map((m) => m.event)).not.toContain('from-v2');
    expect(nodeLog.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          `A broadcast was dropped: v2-publisher speaks Redis protocol version ${OTHER}`,
        ),
        fields: expect.objectContaining({ remoteVersion: OTHER, localVersion: REDIS_PROTOCOL_VERSION }),
      }),
    );
  });

  test('a query from a node of another version is answered with nothing and logged', async () => {
    const probe = createClient({ url: redis.url });
    probe.on('error', () => {});
    await probe.connect();
    const replies: string[] = [];
    await probe.subscribe(`${keyPrefix}#reply:v2-node`, (message) => replies.push(message));
    try {
      const query = { t: 'query', k: 'ids', r: 'q-v2', f: 'v2-node', w: OTHER };
      await redisCommand(redis.url, ['PUBLISH', `${keyPrefix}#request`, JSON.stringify(query)]);
      await eventually(() => replies.length === 1, 2000, 'reply');
      expect(JSON.parse(replies[0]!)).toEqual({
        r: 'q-v2',
        f: node.adapter.nodeId,
        v: null,
        w: REDIS_PROTOCOL_VERSION,
      });
      expect(
        nodeLog.lines.some((l) => l.level === 'error' && l.message.includes('A query was ignored')),
      ).toBe(true);
      // ...and the node did not start waiting for it in its own lookups.
      expect(await node.clients.ids()).toEqual([]);
    } finally {
      await probe.close();
    }
  });
});
