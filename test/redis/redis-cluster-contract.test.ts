/**
 * The shared adapter contract on a real Redis Cluster (3 masters, 3 replicas, started here): once
 * with the cluster client the adapter opens from `cluster.rootNodes`, once with the user's own
 * `createCluster()` client.
 */
import { createCluster } from 'redis';
import { RedisAdapter, type NodeRedisClient } from 'ws-controllers/redis';
import { runAdapterContract } from '../adapter/adapter-contract';
import { RedisCluster } from './support/redis-cluster';
import { describeRedis } from './support/redis-server';

jest.setTimeout(60_000);

describeRedis('RedisAdapter on a Redis Cluster', () => {
  const redis = new RedisCluster();
  let n = 0;

  beforeAll(() => redis.start(), 90_000);
  afterAll(() => redis.stop());

  runAdapterContract('RedisAdapter on a Redis Cluster (cluster.rootNodes)', async () => {
    const keyPrefix = `cluster-${++n}`;
    return {
      adapter: () => new RedisAdapter({ cluster: { rootNodes: redis.rootNodes }, keyPrefix, logger: false }),
    };
  });

  runAdapterContract('RedisAdapter on a Redis Cluster (the user’s createCluster client)', async () => {
    const keyPrefix = `cluster-client-${++n}`;
    const clients: Array<ReturnType<typeof createCluster>> = [];
    return {
      adapter: () => {
        const client = createCluster({ rootNodes: redis.rootNodes });
        client.on('error', () => {});
        clients.push(client);
        return new RedisAdapter({ client: client as unknown as NodeRedisClient, keyPrefix, logger: false });
      },
      teardown: async () => {
        await Promise.all(clients.map((c) => (c.isOpen ? c.close() : undefined)));
      },
    };
  });
});
