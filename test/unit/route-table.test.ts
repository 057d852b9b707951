import { RouteTable } from '../../src/discovery/route-table';

test('exact paths match, with or without a trailing slash', () => {
  const table = new RouteTable<string>();
  table.add('/chat', 'chat', (x) => x);
  expect(table.match('/chat')?.target).toBe('chat');
  expect(table.match('/chat/')?.target).toBe('chat');
  expect(table.match('/chat/x')).toBeUndefined();
});

test('pattern paths capture decoded parameters and exact paths win over patterns', () => {
  const table = new RouteTable<string>();
  table.add('/rooms/:roomId', 'pattern', (x) => x);
  table.add('/rooms/lobby', 'exact', (x) => x);
  expect(table.match('/rooms/lobby')).toEqual({ target: 'exact', params: {} });
  expect(table.match('/rooms/a%20b')).toEqual({ target: 'pattern', params: { roomId: 'a b' } });
  expect(table.match('/rooms/')).toBeUndefined();
});

test('two controllers on one path fail at start-up', () => {
  const table = new RouteTable<string>();
  table.add('/a', 'first', (x) => x);
  expect(() => table.add('/a/', 'second', (x) => x)).toThrow(/Two controllers declare the path/);
});
