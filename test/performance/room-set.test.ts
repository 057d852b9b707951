/**
 * `client.rooms` once a client joined: a plain-looking Set that refuses writes, made by swapping in one
 * shared prototype rather than defining three own properties on every connection's set (a tenth of the
 * cost at each first join). Fails when the sets go back to own properties.
 */
import { InMemoryAdapter } from 'ws-controllers';
import { silentLogger } from '../../src/app/logger';
import { Connection } from '../../src/connections/connection';
import { Hub } from '../../src/rooms/hub';
import { FakeSocket } from '../support/fake-socket';

async function joined(hub: Hub, room: string): Promise<Connection> {
  const connection = new Connection({ path: '/p', query: {}, headers: {}, params: {}, remoteAddress: '' }, hub);
  hub.register(connection);
  connection.attach(new FakeSocket());
  await hub.join(connection, room);
  return connection;
}

test('joined clients share one read-only prototype and hold no own properties on their room sets', async () => {
  const hub = new Hub(new InMemoryAdapter(), silentLogger);
  const [a, b] = [await joined(hub, 'r1'), await joined(hub, 'r2')];
  for (const rooms of [a.rooms, b.rooms]) {
    expect(Object.getOwnPropertyNames(rooms)).toEqual([]);
    expect(rooms).toBeInstanceOf(Set);
    expect(rooms.constructor).toBe(Set);
  }
  expect(Object.getPrototypeOf(a.rooms)).toBe(Object.getPrototypeOf(b.rooms));
  expect(Object.getPrototypeOf(a.rooms)).not.toBe(Set.prototype);
  expect(a.rooms).toEqual(new Set(['r1']));
  const writable = a.rooms as Set<string>;
  expect(() => writable.add('x')).toThrow(/read-only/);
  expect(() => writable.delete('r1')).toThrow(/read-only/);
  expect(() => writable.clear()).toThrow(/read-only/);
  expect(a.rooms).toEqual(new Set(['r1']));
  await hub.leave(a, 'r1');
  expect(a.rooms.size).toBe(0);
});
