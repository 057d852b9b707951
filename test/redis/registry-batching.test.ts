/**
 * The registry writes the clients added during one event-loop turn together (one HSET and one SADD
 * per 500), issues pending adds before any remove, and drops them at a leave. No Redis needed: a
 * driver that records the commands it is given. Fails when adds go back to two commands each.
 */
import { RedisKeys } from '../../src/redis/keys';
import { NodeRegistry } from '../../src/redis/node-registry';
import { resolveRedisOptions } from '../../src/redis/options';
import type { RedisDriver } from '../../src/redis/redis-driver';

function recording(): { driver: RedisDriver; commands: string[][] } {
  const commands: string[][] = [];
  const driver = {
    ready: true,
    command: (args: readonly string[]) => {
      commands.push([...args]);
      return Promise.resolve(1);
    },
  } as unknown as RedisDriver;
  return { driver, commands };
}

const noEvents = { peerGone: () => undefined, announced: () => undefined, purged: () => undefined, failed: () => undefined };
const host = { nodeId: 'n1', localIds: () => [] } as never;

function registry(driver: RedisDriver): NodeRegistry {
  return new NodeRegistry(driver, new RedisKeys('t'), { id: 'n1', host }, resolveRedisOptions({}), noEvents);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('1,200 adds in one turn go out as one HSET and one SADD per 500, and all resolve once written', async () => {
  const { driver, commands } = recording();
  const nodes = registry(driver);
  const ids = Array.from({ length: 1200 }, (_, i) => `c${i}`);
  const added = Promise.all(ids.map((id) => nodes.add(id)));
  expect(commands).toEqual([]); // nothing until the turn's I/O is done
  await added;
  expect(commands.map((c) => c[0])).toEqual(['HSET', 'SADD', 'HSET', 'SADD', 'HSET', 'SADD']);
  expect(commands.filter((c) => c[0] === 'HSET').flatMap((c) => c.slice(2))).toEqual(ids.flatMap((id) => [id, 'n1']));
  expect(commands.filter((c) => c[0] === 'SADD').flatMap((c) => c.slice(2))).toEqual(ids);
  const keys = new RedisKeys('t');
  for (const c of commands) expect(c[1]).toBe(c[0] === 'HSET' ? keys.clients : keys.nodeClients('n1'));
});

test('adds in different turns are different batches', async () => {
  const { driver, commands } = recording();
  const nodes = registry(driver);
  await nodes.add('a');
  await turn();
  await nodes.add('b');
  expect(commands).toEqual([
    ['HSET', 't:clients', 'a', 'n1'],
    ['SADD', new RedisKeys('t').nodeClients('n1'), 'a'],
    ['HSET', 't:clients', 'b', 'n1'],
    ['SADD', new RedisKeys('t').nodeClients('n1'), 'b'],
  ]);
});

test('a remove issues the pending adds first, so it never overtakes the add of its client', async () => {
  const { driver, commands } = recording();
  const nodes = registry(driver);
  const added = nodes.add('a');
  await nodes.remove('a');
  await added;
  expect(commands.map((c) => c[0])).toEqual(['HSET', 'SADD', 'EVAL']);
  await turn();
  expect(commands).toHaveLength(3); // the batch is not written twice
});

test('a leave drops the adds not yet written (they would outlive the node)', async () => {
  const { driver, commands } = recording();
  const nodes = registry(driver);
  const added = nodes.add('a');
  await nodes.leave();
  await added;
  await turn();
  expect(commands.map((c) => c[0])).toEqual(['EVAL']);
});

test('while Redis is away the batch is skipped and the registry marked for a rebuild', async () => {
  const { driver, commands } = recording();
  (driver as { ready: boolean }).ready = false;
  const nodes = registry(driver);
  await Promise.all([nodes.add('a'), nodes.add('b')]);
  expect(commands).toEqual([]);
  expect((nodes as unknown as { dirty: boolean }).dirty).toBe(true);
});
