/**
 * A send by id to a client on no open connection falls back, with recovery, to the log of its
 * detached session, but only after a definite "not there" from the cluster: after an unknown answer
 * (its node did not reply in time, so it may have delivered it) a second copy would be a duplicate.
 */
import { InMemoryAdapter, type Adapter } from 'ws-controllers';
import { Hub } from '../../src/rooms/hub';
import { silentLogger } from '../../src/app/logger';
import type { RecoveryStore } from '../../src/recovery/store';

// The in-memory adapter, but its sends by id get a fixed answer (as a Redis adapter's may be unknown).
function answering(answer: boolean | undefined): Adapter {
  const adapter = new InMemoryAdapter() as Adapter;
  adapter.sendRemote = async () => answer;
  return adapter;
}

function hubAnswering(answer: boolean | undefined): { hub: Hub; detached: string[] } {
  const hub = new Hub(answering(answer), silentLogger);
  const detached: string[] = [];
  hub.store = {
    sendDetached: async (clientId: string) => {
      detached.push(clientId);
      return true;
    },
  } as unknown as RecoveryStore;
  return { hub, detached };
}

const envelope = JSON.stringify({ event: 'dm', payload: 'hi' });

test('a definite "not there" logs the send for the detached session (and resolves with that outcome)', async () => {
  const { hub, detached } = hubAnswering(false);
  expect(await hub.sendTo('gone', envelope)).toBe(true);
  expect(detached).toEqual(['gone']);
});

test('an unknown answer (timed out) resolves false and makes no second copy', async () => {
  const { hub, detached } = hubAnswering(undefined);
  expect(await hub.sendTo('slow', envelope)).toBe(false);
  expect(detached).toEqual([]);
});

test('a delivered send is not logged again', async () => {
  const { hub, detached } = hubAnswering(true);
  expect(await hub.sendTo('there', envelope)).toBe(true);
  expect(detached).toEqual([]);
});
