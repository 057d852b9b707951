/** The chat module end to end in-process: handshake refusals, validation, history, channels, presence, typing, DMs. */
import { RoomService } from 'ws-controllers';
import { createTestingApp, type TestClient, type TestingApp } from 'ws-controllers/testing';
import { createAppModule } from '../src/app.module';
import { MAX_CHANNELS, type ChannelCreated, type ChatMessage, type JoinReply, type Welcome } from '../src/chat/chat-types';
import { InMemoryChannelDirectory } from '../src/storage/channel-directory';
import { InMemoryNameRegistry } from '../src/storage/name-registry';
import { presenceOf, presenceNames } from './support/presence-names';

let app: TestingApp;
let channels: InMemoryChannelDirectory;

beforeEach(async () => {
  channels = new InMemoryChannelDirectory();
  // History is the room logs of session recovery, as in server.ts.
  app = await createTestingApp(createAppModule({ channels, names: new InMemoryNameRegistry() }), {
    recovery: { windowMs: 5_000, maxPerRoom: 1_000 },
  });
});

afterEach(() => app.close());

async function joined(name: string, channel = 'general'): Promise<TestClient> {
  const client = await app.connect('/chat', { query: { name } });
  await client.next('welcome');
  await client.request<JoinReply>('join', { channel });
  return client;
}

test('the handshake is refused with 400 without a nickname and 409 with a taken one', async () => {
  await expect(app.connect('/chat')).rejects.toMatchObject({ status: 400, code: 'INVALID_NAME' });
  await app.connect('/chat', { query: { name: 'alice' } });
  await expect(app.connect('/chat', { query: { name: 'alice' } })).rejects.toMatchObject({ status: 409, code: 'NAME_TAKEN' });
});

test('a nickname is free again once its holder closes for good (1000)', async () => {
  const alice = await app.connect('/chat', { query: { name: 'alice' } });
  await alice.close(1000); // any other close may be resumed: the session and its name are kept for the window
  await expect(app.connect('/chat', { query: { name: 'alice' } })).resolves.toBeDefined();
});

test('an empty, blank or too long message is refused with VALIDATION_FAILED', async () => {
  const alice = await joined('alice');
  for (const text of ['', '    ', 'x'.repeat(501)]) {
    await expect(alice.request('message', { channel: 'general', text })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  }
  await expect(alice.request('join', { channel: 'Not A Channel' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});

test('a joining client receives the messages among the last 50 pushes of the channel’s room log, oldest first', async () => {
  const rooms = app.get(RoomService);
  for (let i = 1; i <= 60; i++) {
    await rooms.to('general').emit('message', { id: `m${i}`, channel: 'general', from: { id: 'x', name: 'xavier' }, text: `#${i}`, at: i });
    if (i % 20 === 0) await rooms.to('general').emit('presence', { channel: 'general', members: [] }); // not a message
  }
  const alice = await app.connect('/chat', { query: { name: 'alice' } });
  const reply = await alice.request<JoinReply>('join', { channel: 'general' });
  // The last 50 pushes are messages #14 to #60 and two others.
  expect(reply.history.map((m) => m.text)).toEqual(Array.from({ length: 47 }, (_, i) => `#${i + 14}`));
});

test('a message sent through the chat is in the history of whoever joins later', async () => {
  const alice = await joined('alice');
  const sent = await alice.request<ChatMessage>('message', { channel: 'general', text: 'for later' });
  const bob = await app.connect('/chat', { query: { name: 'bob' } });
  expect((await bob.request<JoinReply>('join', { channel: 'general' })).history).toEqual([sent]);
});

test('a new channel is announced to everyone connected and listed for whoever connects later', async () => {
  const alice = await joined('alice');
  const bob = await joined('bob', 'random');
  await alice.request('join', { channel: 'design' });
  expect((await bob.next('channel-created')).payload).toEqual({ channel: 'design', by: { id: alice.id, name: 'alice' } } satisfies ChannelCreated);
  await bob.request('join', { channel: 'design' }); // exists now: no second announcement
  const carol = await app.connect('/chat', { query: { name: 'carol' } });
  expect(((await carol.next('welcome')).payload as Welcome).channels).toEqual(['general', 'random', 'help', 'design']);
  await carol.request('leave', { channel: 'general' }); // a round trip
  expect(alice.received.filter((m) => m.event === 'channel-created')).toHaveLength(1);
});

test('past MAX_CHANNELS a new channel is refused with CHANNEL_LIMIT; existing ones still work', async () => {
  for (let i = 0; (await channels.list()).length < MAX_CHANNELS; i++) await channels.add(`c${i}`);
  const alice = await joined('alice');
  await expect(alice.request('join', { channel: 'one-too-many' })).rejects.toMatchObject({ code: 'CHANNEL_LIMIT' });
  await expect(alice.request('join', { channel: 'c0' })).resolves.toMatchObject({ channel: 'c0' });
  expect(await channels.list()).toHaveLength(MAX_CHANNELS);
});

test('a message reaches every member of the channel, the sender included, and nobody outside it', async () => {
  const alice = await joined('alice');
  const bob = await joined('bob');
  const carol = await joined('carol', 'random');

  const sent = await alice.request<ChatMessage>('message', { channel: 'general', text: '  hello bob  ' });

  expect(sent.text).toBe('hello bob');
  expect((await bob.next('message')).payload).toEqual(sent);
  expect((await alice.next('message')).payload).toEqual(sent);
  await carol.request('leave', { channel: 'random' }); // a round trip: anything for carol would have arrived first
  expect(carol.received.filter((m) => m.event === 'message')).toEqual([]);
});

test('typing shows in the presence of the channel, and never in its history', async () => {
  const alice = await joined('alice');
  const bob = await joined('bob');
  alice.emit('user-typing', { channel: 'general', typing: true });
  await until(bob, () => presenceOf(bob.received, 'general').get(alice.id)?.meta.typing === true);
  alice.emit('user-typing', { channel: 'general', typing: false });
  await until(bob, () => presenceOf(bob.received, 'general').get(alice.id)?.meta.typing === false);
  const carol = await app.connect('/chat', { query: { name: 'carol' } });
  expect((await carol.request<JoinReply>('join', { channel: 'general' })).history).toEqual([]);
});

/** Takes frames as they come until `done()` holds. */
async function until(client: TestClient, done: () => boolean): Promise<void> {
  while (!done()) await client.next();
}

test('presence follows joins, leaves and the end of a session', async () => {
  const alice = await joined('alice');
  const bob = await joined('bob');
  const sees = (names: string[]) => until(alice, () => presenceNames(alice.received, 'general').join() === names.join());

  await sees(['alice', 'bob']);
  await bob.request('leave', { channel: 'general' });
  await sees(['alice']);
  await bob.request('join', { channel: 'general' });
  await sees(['alice', 'bob']);
  await bob.close(1000);
  await sees(['alice']);
});

test('a direct message reaches only its recipient, by client id', async () => {
  const alice = await joined('alice');
  const bob = await joined('bob');
  const carol = await joined('carol');

  await alice.request('direct', { to: bob.id, text: 'just you' });

  expect((await bob.next('direct')).payload).toMatchObject({ from: { name: 'alice' }, to: { name: 'bob' }, text: 'just you' });
  await carol.request('leave', { channel: 'general' });
  expect(carol.received.filter((m) => m.event === 'direct')).toEqual([]);
  await expect(alice.request('direct', { to: 'nobody', text: 'hi' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
});
