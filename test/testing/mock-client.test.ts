/** createMockClient: a WsClient for calling controller methods directly. */
import { WsException, type WsClient } from 'ws-controllers';
import { createMockClient } from 'ws-controllers/testing';

class TypingController {
  onTyping(client: WsClient, dto: { room: string; typing: boolean }): void {
    if (client.data.user === undefined) throw new WsException('UNAUTHORIZED', 'who are you?');
    void client.toRoom(dto.room, 'user-typing', { user: client.data.user, typing: dto.typing });
    client.emit('user-typing', { room: dto.room, typing: dto.typing });
  }
}

test('every method is a Jest mock function that records its calls', () => {
  const client = createMockClient({ data: { user: 'ann' } });
  new TypingController().onTyping(client, { room: 'a', typing: true });
  expect(client.emit).toHaveBeenCalledWith('user-typing', { room: 'a', typing: true });
  expect(client.toRoom).toHaveBeenCalledWith('a', 'user-typing', { user: 'ann', typing: true });
  expect(client.send).not.toHaveBeenCalled();
  expect(jest.isMockFunction(client.broadcast)).toBe(true);
});

test('id, query and data can be set, and the other fields have sensible defaults', () => {
  const client = createMockClient({ id: 'c1', query: { token: 't' }, data: { user: 'bob' } });
  expect(client).toMatchObject({ id: 'c1', query: { token: 't' }, data: { user: 'bob' }, path: '/', headers: {}, params: {}, readyState: 1 });
  expect([...client.rooms]).toEqual([]);
  client.id = 'c2';
  client.query = { token: 'u' };
  client.data.extra = 1;
  expect(client).toMatchObject({ id: 'c2', query: { token: 'u' }, data: { user: 'bob', extra: 1 } });
});

test('each mock client gets its own id by default', () => {
  expect(createMockClient().id).not.toBe(createMockClient().id);
});

test('join and leave update rooms and resolve', async () => {
  const client = createMockClient({ rooms: ['x'] });
  await client.join('lobby');
  await client.leave('x');
  expect([...client.rooms]).toEqual(['lobby']);
  expect(client.join).toHaveBeenCalledWith('lobby');
});

test('close sets readyState to closed', () => {
  const client = createMockClient();
  client.close(4000, 'bye');
  expect(client.close).toHaveBeenCalledWith(4000, 'bye');
  expect(client.readyState).toBe(3);
});

test('to resolves true and broadcast resolves, and both can be re-mocked', async () => {
  const client = createMockClient();
  await expect(client.to('other', 'ping')).resolves.toBe(true);
  await expect(client.broadcast('ping')).resolves.toBeUndefined();
  client.to.mockImplementation(async () => false);
  await expect(client.to('other', 'ping')).resolves.toBe(false);
});

test('a controller that throws is testable with the mock', () => {
  expect(() => new TypingController().onTyping(createMockClient(), { room: 'a', typing: true })).toThrow(WsException);
});

test('jest.fn itself can be passed as the factory', () => {
  const client = createMockClient({ mockFn: jest.fn });
  client.send('raw');
  expect(client.send).toHaveBeenCalledWith('raw');
});

test('a custom mock factory can be passed (e.g. vi.fn)', () => {
  const made: string[] = [];
  const client = createMockClient({
    mockFn: (implementation: () => unknown) => {
      made.push('fn');
      return jest.fn(implementation);
    },
  });
  client.emit('x');
  expect(made).toHaveLength(9);
  expect(client.emit).toHaveBeenCalledWith('x');
});
