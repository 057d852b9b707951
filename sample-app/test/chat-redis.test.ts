/**
 * The chat with REDIS_URL: history and nicknames in Redis, and two nodes on one Redis chatting
 * together through the Redis adapter. Starts its own redis-server on a free port (never 6379);
 * skips loudly without redis-server unless REQUIRE_REDIS=1.
 */
import { describeRedis, RedisServer } from '../../test/redis/support/redis-server';
import { connect, urlOf, type Received, type TestSocket } from '../../test/support/ws-test-client';
import { MAX_CHANNELS, type ChatMessage, type Welcome } from '../src/chat/chat-types';
import { startChatServer, type ChatServer } from '../src/server';
import { createChatStores, type ChatStores } from '../src/storage/chat-stores';
import { presenceNames } from './support/presence-names';

describeRedis('sample chat on Redis', () => {
  const redis = new RedisServer();
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeAll(() => redis.start(), 20_000);
  afterAll(() => redis.stop());
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close();
  });

  async function stores(): Promise<ChatStores> {
    const created = await createChatStores(redis.url);
    opened.push(created);
    return created;
  }

  async function node(): Promise<ChatServer> {
    const server = await startChatServer({ port: 0, host: '127.0.0.1', redisUrl: redis.url, staticDirs: [], logger: false });
    opened.push(server);
    return server;
  }

  async function join(server: ChatServer, name: string): Promise<TestSocket> {
    const socket = await connect(urlOf(server.port, `/chat?name=${name}`));
    opened.push(socket);
    await socket.request('join', { channel: 'general' });
    return socket;
  }

  async function presenceBecomes(socket: TestSocket, names: string[]): Promise<void> {
    const matches = (m: Received): boolean =>
      presenceNames(socket.received.includes(m) ? socket.received : [...socket.received, m], 'general').join() === names.join();
    await socket.waitFor(matches, 5000, `presence ${names.join()}`);
  }

  test('the channel list is shared by every store on the same Redis: the defaults, then by creation, capped', async () => {
    const first = await stores();
    const second = await stores();
    expect(await first.channels.add('design')).toBe('added');
    expect(await second.channels.add('design')).toBe('exists');
    expect(await second.channels.add('general')).toBe('exists');
    expect(await second.channels.add('ops')).toBe('added');
    expect(await first.channels.list()).toEqual(['general', 'random', 'help', 'design', 'ops']);
    for (let i = 0; (await first.channels.list()).length < MAX_CHANNELS; i++) await first.channels.add(`c${i}`);
    expect(await second.channels.add('one-more')).toBe('full');
    expect(await second.channels.list()).toHaveLength(MAX_CHANNELS);
  });

  test('a nickname is unique across stores until released, and recoverable only from its holder', async () => {
    const first = await stores();
    const second = await stores();
    expect(await first.names.claim('Zoe', 'id-1')).toBeUndefined();
    expect(await second.names.claim('zoe', 'id-2')).toMatchObject({ holder: 'id-1' });
    expect(await second.names.replace('zoe', 'someone-else', 'id-2')).toBe(false);
    expect(await second.names.replace('zoe', 'id-1', 'id-2')).toBe(true);
    expect(await first.names.namesOf(['id-1', 'id-2'])).toEqual(new Map([['id-2', 'zoe']]));
    await first.names.release('id-2');
    expect(await second.names.holderOf('zoe')).toBeUndefined();
  });

  test('two nodes on one Redis share nicknames: a name taken on one is refused with 409 on the other', async () => {
    const one = await node();
    const two = await node();
    opened.push(await connect(urlOf(one.port, '/chat?name=yann')));
    await expect(connect(urlOf(two.port, '/chat?name=Yann'))).rejects.toMatchObject({ status: 409, body: { code: 'NAME_TAKEN' } });
  });

  test('clients on two nodes see each other in presence, exchange messages and direct messages', async () => {
    const one = await node();
    const two = await node();
    const ana = await join(one, 'ana');
    const bo = await join(two, 'bo');
    await presenceBecomes(ana, ['ana', 'bo']);

    const sent = await ana.request('message', { channel: 'general', text: 'across nodes' });
    expect((await bo.next('message')).payload).toEqual(sent.payload);

    const boId = (bo.received.find((m) => m.event === 'welcome')?.payload as Welcome).you.id;
    const reply = await ana.request('direct', { to: boId, text: 'psst' });
    expect(reply.event).toBe('direct');
    expect((await bo.next('direct')).payload).toMatchObject({ from: { name: 'ana' }, text: 'psst' });

    await bo.close(1000); // for good: another close would be resumable and keep bo present for the window
    await presenceBecomes(ana, ['ana']);
  });

  test('a node that joins later sends the history written through another node', async () => {
    const one = await node();
    const ana = await join(one, 'ana2');
    await ana.request('message', { channel: 'general', text: 'remember me' });
    const two = await node();
    const late = await connect(urlOf(two.port, '/chat?name=late'));
    opened.push(late);
    const reply = await late.request('join', { channel: 'general' });
    expect((reply.payload as { history: ChatMessage[] }).history.map((m) => m.text)).toContain('remember me');
  });
});

test('a REDIS_URL where nothing listens fails the start instead of hanging', async () => {
  await expect(createChatStores('redis://127.0.0.1:1')).rejects.toThrow('Redis is unreachable at redis://127.0.0.1:1');
});
