/** The tarball `npm pack` makes (after its `prepack` build) holds what users import, and nothing else. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLED, PACK_INFO } from './support/paths';

const { files } = JSON.parse(readFileSync(PACK_INFO, 'utf8')) as { files: string[] };
const pkg = JSON.parse(readFileSync(join(INSTALLED, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  main: string;
  types: string;
};

/** Every file path an `exports` entry, `main`, `types` or `bin` points to. */
function targets(): string[] {
  const out = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
  for (const entry of Object.values(pkg.exports))
    out.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
  return out.map((p) => p.replace(/^\.\//, ''));
}

test('the tarball holds the built entries of every export, the bin and the docs', () => {
  for (const target of targets()) expect(files).toContain(target);
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'docs/guide.md',
    'docs/testing.md',
  ])
    expect(files).toContain(file);
  expect(files.length).toBeGreaterThan(100);
});

test('the tarball holds no sources, tests, maps or repository files', () => {
  const stray = files.filter(
    (f) =>
      !/^(dist\/.*\.(js|d\.ts)|docs\/[\w-]+\.md|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f),
  );
  expect(stray).toEqual([]);
});

test('the built bin is executable JavaScript with a shebang, and LICENSE is the MIT licence', () => {
  expect(readFileSync(join(INSTALLED, pkg.bin['ws-controllers'] ?? ''), 'utf8').split('\n')[0]).toBe(
    '#!/usr/bin/env node',
  );
  expect(readFileSync(join(INSTALLED, 'LICENSE'), 'utf8')).toMatch(
    /^MIT License\n[\s\S]*Permission is hereby granted, free of charge/,
  );
});
