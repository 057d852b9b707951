import { RedisAdapter } from 'ws-controllers/redis';
import { runAdapterContract } from '../adapter/adapter-contract';
import { describeRedis, RedisServer } from './support/redis-server';

describeRedis('RedisAdapter', () => {
  const redis = new RedisServer();
  let cluster = 0;

  beforeAll(() => redis.start());
  afterAll(() => redis.stop());

  runAdapterContract('RedisAdapter on a real Redis', async () => {
    const keyPrefix = `contract-${++cluster}`;
    return { adapter: () => new RedisAdapter({ url: redis.url, keyPrefix, logger: false }) };
  });
});
