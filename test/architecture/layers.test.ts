import * as path from 'node:path';
import { cyclesOf, readImportGraph } from './import-graph';

const graph = readImportGraph(path.join(__dirname, '../../src'));

test('no file in src imports itself through a cycle, type imports included', () => {
  expect(cyclesOf(graph.files)).toEqual([]);
});

test('the folders of src depend on each other in one direction only', () => {
  expect(cyclesOf(graph.folders)).toEqual([]);
});

test('the bottom layers import nothing above them', () => {
  const bottom: Record<string, string[]> = {
    protocol: [],
    util: [],
    socket: [],
    metadata: ['socket'],
    spi: ['protocol', 'socket', 'util', 'metadata'],
  };
  for (const [folder, allowed] of Object.entries(bottom)) {
    expect({ folder, imports: [...(graph.folders.get(folder) ?? [])].filter((f) => !allowed.includes(f)) }).toEqual({ folder, imports: [] });
  }
});

test('transports reach the core only through the spi', () => {
  for (const folder of ['transport', 'bun', 'deno']) {
    expect({ folder, imports: [...(graph.folders.get(folder) ?? [])].filter((f) => f !== 'spi') }).toEqual({ folder, imports: [] });
  }
  const inProcess = [...(graph.files.get(path.join('testing', 'in-process-transport.ts')) ?? [])];
  expect(inProcess.filter((f) => !f.startsWith('spi') && !f.startsWith('testing'))).toEqual([]);
});

test('the graph reader sees a cycle when there is one', () => {
  const fake = new Map([
    ['a.ts', new Set(['b.ts'])],
    ['b.ts', new Set(['a.ts'])],
    ['c.ts', new Set(['a.ts'])],
  ]);
  expect(cyclesOf(fake)).toEqual([['a.ts', 'b.ts']]);
});
