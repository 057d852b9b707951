/**
 * node-redis 6 (installed as the dev dependency alias `redis-v6`): the shared adapter contract on a
 * real Redis, once with the user's own v6 client (RESP3, v6's default, and its 5 s command timeout)
 * and once with the connections the adapter opens itself from a URL (here `redis` is mapped to v6
 * for this file), plus the peer range npm checks (it refused v6 with ERESOLVE).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RedisAdapter, type NodeRedisClient } from 'ws-controllers/redis';
import { runAdapterContract } from '../adapter/adapter-contract';
import { describeRedis, RedisServer } from './support/redis-server';

jest.mock('redis', () => jest.requireActual('redis-v6'));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const v6 = require('redis-v6') as typeof import('redis');
// npm's own range matcher (what ERESOLVE applies); always in the tree, untyped here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { satisfies } = require('semver') as { satisfies(version: string, range: string): boolean };
const v6Version = (JSON.parse(readFileSync(require.resolve('redis-v6/package.json'), 'utf8')) as { version: string }).version;

test('the redis peer range admits node-redis 6 (and still 4.6 and 5)', () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
  const range = pkg.peerDependencies.redis!;
  expect(v6Version).toMatch(/^6\./);
  for (const version of [v6Version, '6.0.0', '5.12.1', '5.0.0', '4.6.0'])
    expect({ version, ok: satisfies(version, range) }).toEqual({ version, ok: true });
  expect(satisfies('4.5.0', range)).toBe(false);
});

describeRedis('RedisAdapter on node-redis 6', () => {
  const redis = new RedisServer();
  let cluster = 0;

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  test('the driver really runs on v6 here', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('redis') as unknown) === (v6 as unknown)).toBe(true);
  });

  runAdapterContract('RedisAdapter on node-redis 6, the user’s own client (RESP3)', async () => {
    const keyPrefix = `v6-client-${++cluster}`;
    const clients: Array<ReturnType<typeof v6.createClient>> = [];
    return {
      adapter: () => {
        const client = v6.createClient({ url: redis.url });
        client.on('error', () => {});
        clients.push(client);
        return new RedisAdapter({ client: client as unknown as NodeRedisClient, keyPrefix, logger: false });
      },
      teardown: async () => {
        await Promise.all(clients.map((c) => (c.isOpen ? c.close() : undefined)));
      },
    };
  });

  runAdapterContract('RedisAdapter on node-redis 6, connections it opens from a URL', async () => {
    const keyPrefix = `v6-url-${++cluster}`;
    return { adapter: () => new RedisAdapter({ url: redis.url, keyPrefix, logger: false }) };
  });
});
