import { backoffDelay, reconnectPolicy } from '../../src/client/backoff';

test('reconnect defaults apply when it is on, and false or the runtime default turns it off', () => {
  expect(reconnectPolicy(true, false)).toEqual({ initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, jitter: 0.5, maxRetries: Infinity });
  expect(reconnectPolicy(undefined, true)).toBeDefined();
  expect(reconnectPolicy(undefined, false)).toBeUndefined();
  expect(reconnectPolicy(false, true)).toBeUndefined();
  expect(reconnectPolicy({ maxRetries: 3 }, false)).toMatchObject({ maxRetries: 3, initialDelayMs: 500 });
});

test('delays grow exponentially up to the cap when there is no jitter', () => {
  const policy = reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 }, true)!;
  expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt))).toEqual([100, 200, 400, 800, 1000, 1000]);
});

test('jitter takes a random share of up to `jitter` of each delay off', () => {
  const policy = reconnectPolicy({ initialDelayMs: 1000, jitter: 0.5 }, true)!;
  expect(backoffDelay(policy, 0, () => 0)).toBe(1000);
  expect(backoffDelay(policy, 0, () => 0.5)).toBe(750);
  expect(backoffDelay(policy, 0, () => 1)).toBe(500);
});
