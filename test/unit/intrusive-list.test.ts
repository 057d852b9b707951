/**
 * The registries of open connections and sockets: a list linked through its elements' own fields.
 * Order, membership per list, deletes anywhere, deletes during a visit, and clear.
 */
import { IntrusiveList, type ListLinks } from '../../src/util/intrusive-list';

class Item implements ListLinks<Item> {
  listOwner: object | undefined = undefined;
  listPrev: Item | undefined = undefined;
  listNext: Item | undefined = undefined;
  constructor(readonly name: string) {}
}

const names = (list: IntrusiveList<Item>): string[] => [...list].map((item) => item.name);

test('keeps insertion order and deletes from the head, the middle and the tail', () => {
  const list = new IntrusiveList<Item>();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new Item(n)) as [Item, Item, Item, Item];
  for (const item of [a, b, c, d]) list.add(item);
  list.add(b); // already in: no-op
  expect(names(list)).toEqual(['a', 'b', 'c', 'd']);
  expect(list.size).toBe(4);
  expect(list.delete(b)).toBe(true);
  expect(list.delete(b)).toBe(false);
  expect(list.delete(a)).toBe(true);
  expect(list.delete(d)).toBe(true);
  expect(names(list)).toEqual(['c']);
  expect(list.size).toBe(1);
  list.add(a);
  expect(names(list)).toEqual(['c', 'a']);
  expect(list.delete(c) && list.delete(a)).toBe(true);
  expect(names(list)).toEqual([]);
  expect(list.size).toBe(0);
  list.add(d);
  expect(names(list)).toEqual(['d']);
});

test('an element belongs to one list: another list neither sees nor deletes it', () => {
  const one = new IntrusiveList<Item>();
  const other = new IntrusiveList<Item>();
  const item = new Item('x');
  one.add(item);
  expect(one.has(item)).toBe(true);
  expect(other.has(item)).toBe(false);
  expect(other.delete(item)).toBe(false);
  expect(names(one)).toEqual(['x']);
  expect(other.size).toBe(0);
});

test('the element being visited may be deleted; clear unlinks everything', () => {
  const list = new IntrusiveList<Item>();
  const items = ['a', 'b', 'c'].map((n) => new Item(n));
  for (const item of items) list.add(item);
  const seen: string[] = [];
  for (const item of list) {
    seen.push(item.name);
    list.delete(item);
  }
  expect(seen).toEqual(['a', 'b', 'c']);
  expect(list.size).toBe(0);
  for (const item of items) list.add(item);
  list.clear();
  expect(list.size).toBe(0);
  expect(names(list)).toEqual([]);
  expect(items.every((item) => item.listOwner === undefined && item.listPrev === undefined && item.listNext === undefined)).toBe(true);
  list.add(items[1]!);
  expect(names(list)).toEqual(['b']);
});
