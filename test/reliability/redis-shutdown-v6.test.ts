/**
 * Reliability (issue 15, item 4) on node-redis 6: the same shutdown scenarios with `redis` mapped to
 * the `redis-v6` dev dependency for this file, so the adapter's own connections are v6 clients.
 * (The SIGTERM recipe child process runs on v5 only: it resolves `redis` outside Jest.)
 */
import { runShutdownSuite } from './support/redis-shutdown-suite';

jest.mock('redis', () => jest.requireActual('redis-v6'));

test('the adapter really runs on node-redis 6 in this file', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require('redis') === jest.requireActual('redis-v6')).toBe(true);
});

runShutdownSuite('node-redis 6', { recipe: false });
