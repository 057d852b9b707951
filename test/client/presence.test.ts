import { connect, type Client, type PresenceChange } from 'ws-controllers/client';
import { rawServer, type RawConnection, type RawServer } from './support/raw-server';

let server: RawServer;
const clients: Client[] = [];

beforeEach(async () => {
  server = await rawServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

interface Meta {
  name: string;
}

const ann = { clientId: 'ann', meta: { name: 'Ann' }, since: 1 };
const bob = { clientId: 'bob', meta: { name: 'Bob' }, since: 2 };
const cy = { clientId: 'cy', meta: { name: 'Cy' }, since: 3 };

async function opened(): Promise<{ client: Client; conn: RawConnection }> {
  const client = connect(server.url(), { reconnect: { initialDelayMs: 5, maxDelayMs: 20 } });
  clients.push(client);
  return { client, conn: await server.connection(0) };
}

async function settled(client: Client, conn: RawConnection): Promise<void> {
  const marker = new Promise((resolve) => client.once('marker', resolve));
  conn.send({ event: 'marker' });
  await marker;
}

const state = (room: string, members: unknown[]): object => ({ event: 'presence-state', payload: { room, members } });
const diff = (room: string, joins: unknown[], leaves: unknown[]): object => ({ event: 'presence-diff', payload: { room, joins, leaves } });

test('presence(room) lists the members of presence-state, then applies each diff', async () => {
  const { client, conn } = await opened();
  const general = client.presence<Meta>('general');
  expect(general.members).toEqual([]);
  conn.send(state('general', [ann, bob]));
  await settled(client, conn);
  expect(general.members).toEqual([ann, bob]);
  conn.send(diff('general', [cy], [ann]));
  await settled(client, conn);
  expect(general.members).toEqual([bob, cy]);
  expect(general.get('cy')?.meta.name).toBe('Cy');
  expect(general.get('ann')).toBeUndefined();
});

test('a diff applies leaves before joins: an update (leave and join of one client) keeps it with the new meta', async () => {
  const { client, conn } = await opened();
  const general = client.presence<Meta>('general');
  conn.send(state('general', [ann, bob]));
  const away = { ...ann, meta: { name: 'Ann (away)' } };
  conn.send(diff('general', [away], [ann]));
  await settled(client, conn);
  expect(general.members).toEqual([bob, away]);
});

test('a view made after the frames arrived sees them: the client keeps the lists from the start', async () => {
  const { client, conn } = await opened();
  conn.send(state('general', [ann]));
  conn.send(diff('general', [bob], []));
  await settled(client, conn);
  expect(client.presence('general').members).toEqual([ann, bob]);
});

test('onChange gets every change with the members after it; a state frame is compared with the list before', async () => {
  const { client, conn } = await opened();
  const changes: Array<PresenceChange<Meta>> = [];
  const stop = client.presence<Meta>('general').onChange((change) => void changes.push(change));
  conn.send(state('general', [ann, bob]));
  conn.send(diff('general', [cy], []));
  const renamed = { ...bob, meta: { name: 'Robert' } };
  conn.send(state('general', [ann, renamed, cy])); // a full list again (e.g. after a re-track)
  await settled(client, conn);
  stop();
  conn.send(diff('general', [], [cy]));
  await settled(client, conn);
  expect(changes).toEqual([
    { room: 'general', members: [ann, bob], joins: [ann, bob], leaves: [] },
    { room: 'general', members: [ann, bob, cy], joins: [cy], leaves: [] },
    { room: 'general', members: [ann, renamed, cy], joins: [renamed], leaves: [bob] },
  ]);
});

test('a diff repeating what a state showed changes nothing and calls no listener; a leave of an unknown client neither', async () => {
  const { client, conn } = await opened();
  const changes: PresenceChange[] = [];
  client.presence('general').onChange((change) => void changes.push(change));
  conn.send(state('general', [ann, bob]));
  conn.send(diff('general', [bob], [])); // the join of bob, already in the state
  conn.send(diff('general', [], [cy])); // cy was never listed
  conn.send(diff('general', [bob, cy], [])); // only cy is new
  await settled(client, conn);
  expect(changes).toEqual([
    { room: 'general', members: [ann, bob], joins: [ann, bob], leaves: [] },
    { room: 'general', members: [ann, bob, cy], joins: [cy], leaves: [] },
  ]);
});

test('frames about other rooms leave a view alone, and its listener is not called', async () => {
  const { client, conn } = await opened();
  const general = client.presence('general');
  const calls: unknown[] = [];
  general.onChange((c) => void calls.push(c));
  conn.send(state('random', [ann]));
  conn.send(diff('random', [bob], []));
  await settled(client, conn);
  expect(general.members).toEqual([]);
  expect(calls).toEqual([]);
  expect(client.presence('random').members).toEqual([ann, bob]);
});

test('presence frames still reach on() listeners', async () => {
  const { client, conn } = await opened();
  const diffs: unknown[] = [];
  client.on('presence-diff', (d) => void diffs.push(d.joins.map((m) => m.clientId)));
  conn.send(diff('general', [ann], []));
  await settled(client, conn);
  expect(diffs).toEqual([['ann']]);
});

test('malformed presence frames change nothing; members without a clientId are skipped', async () => {
  const { client, conn } = await opened();
  const general = client.presence('general');
  conn.send(state('general', [ann]));
  conn.send({ event: 'presence-diff', payload: { room: 'general', joins: 'bob' } });
  conn.send({ event: 'presence-diff', payload: { joins: [bob], leaves: [] } });
  conn.send({ event: 'presence-state', payload: { room: 'general' } });
  conn.send({ event: 'presence-state', payload: null });
  conn.send(diff('general', [{ meta: 1 }, 42, null, cy], []));
  await settled(client, conn);
  expect(general.members).toEqual([ann, cy]);
});

test('a fresh session (resumed: false after a reconnect) empties every list; a resumed one keeps them', async () => {
  const { client, conn } = await opened();
  conn.session('c1', 'tok-1', false);
  conn.send(state('general', [ann, bob]));
  await settled(client, conn);
  const changes: PresenceChange[] = [];
  client.presence('general').onChange((change) => void changes.push(change));

  await conn.drop();
  const second = await server.connection(1);
  second.session('c1', 'tok-2', true);
  await settled(client, second);
  expect(client.presence('general').members).toEqual([ann, bob]);

  await second.drop();
  const third = await server.connection(2);
  third.session('c2', 'tok-3', false);
  await settled(client, third);
  expect(client.presence('general').members).toEqual([]);
  expect(changes).toEqual([{ room: 'general', members: [], joins: [], leaves: [ann, bob] }]);
});
