import { RedisAdapter } from 'ws-controllers/redis';
import { recoverySuite } from '../recovery/suite';
import { describeRedis, RedisServer } from './support/redis-server';

const redis = new RedisServer();

describeRedis('session recovery over Redis', () => {
  beforeAll(() => redis.start());
  afterAll(() => redis.stop());
  recoverySuite('Redis', (cluster) => new RedisAdapter({ url: redis.url, keyPrefix: cluster, requestTimeoutMs: 5000 }));
});
