/**
 * Compiles src/ and the runtime fixture to CommonJS with decorator metadata (swc), so the same
 * JavaScript runs on Node, Bun and Deno. Output goes under test-artifacts/ (inside the repository,
 * so node_modules resolve).
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';

const root = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function compile(file: string): string {
  return transformFileSync(file, {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: false,
  }).code;
}

/** Builds the fixture; returns the path of its entry file (`server.cjs`). */
export function buildRuntimeFixture(): string {
  const out = join(root, 'test-artifacts', 'runtimes');
  rmSync(out, { recursive: true, force: true });
  for (const file of sourceFiles(join(root, 'src'))) {
    const target = join(out, 'src', relative(join(root, 'src'), file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, compile(file));
  }
  const entry = join(out, 'server.cjs');
  const code = compile(join(__dirname, 'fixture', 'server.ts')).replace(
    /require\("ws-controllers(\/[a-z]+)?"\)/g,
    (_match, sub: string | undefined) => `require("./src${sub ?? ''}/index.js")`,
  );
  writeFileSync(entry, code);
  return entry;
}
