/** Unit tests of the chat controller: its methods called directly with mock clients. */
import { WsException } from 'ws-controllers';
import { createMockClient, type MockWsClient } from 'ws-controllers/testing';
import { ChatController } from '../src/chat/chat.controller';
import { RECOVERY_WINDOW_MS, type ChatMessage } from '../src/chat/chat-types';
import { InMemoryChannelDirectory } from '../src/storage/channel-directory';
import { InMemoryNameRegistry } from '../src/storage/name-registry';
import { fakeClientService, fakePresenceService, fakeRoomService } from './support/fake-services';

function setup(members: Record<string, string[]> = {}) {
  const channels = new InMemoryChannelDirectory();
  const names = new InMemoryNameRegistry();
  const { rooms, sent, history } = fakeRoomService(members);
  const clients = fakeClientService();
  const presence = fakePresenceService();
  const controller = new ChatController(channels, names, rooms, clients, presence);
  return { controller, channels, names, sent, history, rooms, clients, presence };
}

async function connected(controller: ChatController, id: string, name: string): Promise<MockWsClient> {
  const client = createMockClient({ id, path: '/chat', query: { name } });
  await controller.connect(client, name);
  return client;
}

function refusal(error: unknown): { code: string; status: number } {
  expect(error).toBeInstanceOf(WsException);
  const { code, status } = error as WsException;
  return { code, status };
}

test('connecting without a nickname is refused with 400 INVALID_NAME', async () => {
  const { controller } = setup();
  const error = await controller.connect(createMockClient(), undefined).catch((e: unknown) => e);
  expect(refusal(error)).toEqual({ code: 'INVALID_NAME', status: 400 });
});

test('a nickname with spaces or of one letter is refused with 400', async () => {
  const { controller } = setup();
  for (const name of ['a', 'two words', 'x'.repeat(21), '<b>']) {
    const error = await controller.connect(createMockClient(), name).catch((e: unknown) => e);
    expect(refusal(error)).toEqual({ code: 'INVALID_NAME', status: 400 });
  }
});

test('a nickname someone connected holds is refused with 409 NAME_TAKEN, whatever its case', async () => {
  const { controller } = setup();
  await connected(controller, 'c1', 'alice');
  const error = await controller.connect(createMockClient({ id: 'c2' }), 'ALICE').catch((e: unknown) => e);
  expect(refusal(error)).toEqual({ code: 'NAME_TAKEN', status: 409 });
});

test('a resumed session keeps its client.data (its channels) and is welcomed again', async () => {
  const { controller } = setup();
  const client = createMockClient({ id: 'c1', path: '/chat', query: { name: 'alice' }, resumed: true, data: { name: 'alice', channels: ['help'] } });
  await controller.connect(client, 'alice');
  expect(client.data).toEqual({ name: 'alice', channels: ['help'] });
  expect(client.emit).toHaveBeenCalledWith('welcome', expect.objectContaining({ you: { id: 'c1', name: 'alice' } }));
});

test('the same tab (same ?key=) takes its nickname back from its earlier session that is not connected', async () => {
  const { controller } = setup();
  const key = 'k'.repeat(32);
  await controller.connect(createMockClient({ id: 'old', path: '/chat' }), 'alice', key);
  await expect(controller.connect(createMockClient({ id: 'other' }), 'alice', 'x'.repeat(32))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
  await expect(controller.connect(createMockClient({ id: 'new' }), 'alice', key)).resolves.toBeUndefined();
});

test('an accepted client is welcomed with its id, nickname and the channel list', async () => {
  const { controller } = setup();
  const client = await connected(controller, 'c1', 'alice');
  expect(client.emit).toHaveBeenCalledWith('welcome', { you: { id: 'c1', name: 'alice' }, channels: ['general', 'random', 'help'] });
});

test('joining a channel replies with its message history and tracks the client in its presence', async () => {
  const { controller, history, rooms, presence } = setup();
  const old: ChatMessage = { id: 'm0', channel: 'general', from: { id: 'x', name: 'xavier' }, text: 'earlier', at: 1 };
  history.general = [
    { event: 'message', payload: old, offset: '1-0', at: 1 },
    { event: 'other', payload: {}, offset: '1-1', at: 1 },
  ];
  const client = await connected(controller, 'c1', 'alice');

  const reply = await controller.join(client, { channel: 'general' });

  expect(client.join).toHaveBeenCalledWith('general');
  expect(reply).toEqual({ channel: 'general', history: [old] });
  expect(rooms.history).toHaveBeenCalledWith('general', { limit: 50 });
  expect(presence.track).toHaveBeenCalledWith(client, 'general', { name: 'alice', typing: false });
});

test('a message to a joined channel is sent to the whole channel (its room log is the history)', async () => {
  const { controller, sent } = setup();
  const client = await connected(controller, 'c1', 'alice');
  await controller.join(client, { channel: 'general' });

  const message = await controller.message(client, { channel: 'general', text: 'hello' });

  expect(message).toMatchObject({ channel: 'general', from: { id: 'c1', name: 'alice' }, text: 'hello' });
  expect(sent).toContainEqual({ room: 'general', event: 'message', payload: message });
});

test('joining a channel nobody created yet announces it to everyone, once', async () => {
  const { controller, clients } = setup();
  const alice = await connected(controller, 'c1', 'alice');
  await controller.join(alice, { channel: 'design' });
  await controller.join(alice, { channel: 'general' });
  await controller.join(alice, { channel: 'design' });
  expect(clients.broadcast).toHaveBeenCalledTimes(1);
  expect(clients.broadcast).toHaveBeenCalledWith('channel-created', { channel: 'design', by: { id: 'c1', name: 'alice' } }, { path: '/chat' });
});

test('a message to a channel the client has not joined is refused with NOT_IN_CHANNEL', async () => {
  const { controller } = setup();
  const client = await connected(controller, 'c1', 'alice');
  await expect(controller.message(client, { channel: 'random', text: 'hi' })).rejects.toMatchObject({ code: 'NOT_IN_CHANNEL' });
});

test('typing updates the presence meta of the client in the channel (never a logged room push)', async () => {
  const { controller, presence, sent } = setup();
  const client = await connected(controller, 'c1', 'alice');
  await controller.join(client, { channel: 'general' });

  await controller.typing(client, { channel: 'general', typing: true });

  expect(presence.update).toHaveBeenCalledWith(client, 'general', { name: 'alice', typing: true });
  expect(client.toRoom).not.toHaveBeenCalled();
  expect(sent).toEqual([]);
});

test('a direct message goes to the recipient by id and comes back as the reply', async () => {
  const { controller } = setup();
  const alice = await connected(controller, 'c1', 'alice');
  await connected(controller, 'c2', 'bob');

  const message = await controller.direct(alice, { to: 'c2', text: 'psst' });

  expect(message).toMatchObject({ from: { id: 'c1', name: 'alice' }, to: { id: 'c2', name: 'bob' }, text: 'psst' });
  expect(alice.to).toHaveBeenCalledWith('c2', 'direct', message);
});

test('a direct message to an unknown id is refused with USER_NOT_FOUND', async () => {
  const { controller } = setup();
  const alice = await connected(controller, 'c1', 'alice');
  await expect(controller.direct(alice, { to: 'nobody', text: 'hi' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  expect(alice.to).not.toHaveBeenCalled();
});

test('leaving a channel untracks the client there and leaves the room', async () => {
  const { controller, presence } = setup();
  const alice = await connected(controller, 'c1', 'alice');
  await controller.join(alice, { channel: 'general' });

  await controller.leave(alice, { channel: 'general' });

  expect(presence.untrack).toHaveBeenCalledWith(alice, 'general');
  expect(alice.leave).toHaveBeenCalledWith('general');
  expect(alice.data).toMatchObject({ channels: [] });
});

test('a session that ends frees the nickname (its presence entries end with it)', async () => {
  const { controller, names } = setup();
  const alice = await connected(controller, 'c1', 'alice');
  await controller.join(alice, { channel: 'general' });

  await controller.disconnect(alice);

  expect(await names.holderOf('alice')).toBeUndefined();
});

test('a resumed session gets the presence lists of its channels afresh (diffs are not replayed)', async () => {
  const { controller, presence } = setup();
  const client = createMockClient({ id: 'c1', path: '/chat', resumed: true, data: { name: 'alice', channels: ['general', 'help'] } });
  await controller.connect(client, 'alice');
  expect(presence.sync.mock.calls).toEqual([[client, 'general'], [client, 'help']]);
});

test('a nickname held by a client that vanished longer ago than the recovery window goes to the newcomer', async () => {
  const { controller, names } = setup();
  await names.claim('alice', 'ghost');
  jest.spyOn(Date, 'now').mockReturnValue(Date.now() + RECOVERY_WINDOW_MS + 20_000);
  try {
    await connected(controller, 'c9', 'alice');
  } finally {
    jest.restoreAllMocks();
  }
  expect(await names.holderOf('alice')).toBe('c9');
});
