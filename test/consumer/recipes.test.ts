/** docs/testing.md's Jest and Vitest set-ups, run as written in a project with the packed package. */
import { join } from 'node:path';
import { REPO } from './support/paths';
import { codeBlock, codeBlocks, run, writeProject } from './support/project';
import { readmeTsconfig } from './support/quick-start';

/** The ```ts blocks of docs/testing.md keyed by the file name on their first line (`// name.ts`). */
function docFiles(lang = 'ts'): Record<string, string> {
  const files: Record<string, string> = {};
  for (const code of codeBlocks('docs/testing.md', '# Testing', lang)) {
    const name = /^\/\/ ([\w.-]+)\n/.exec(code)?.[1];
    if (name !== undefined) files[name] = code;
  }
  return files;
}

test('the Jest recipe (swc, setupFiles) runs the Testing examples against the package', async () => {
  const docs = docFiles();
  const dir = writeProject('jest-app', {
    'package.json': JSON.stringify({ name: 'jest-app', private: true, type: 'commonjs' }),
    'jest.config.js': codeBlock('docs/testing.md', '### Jest', 'js'),
    'src/chat.controller.ts': docs['chat.controller.ts'] ?? '',
    'src/chat.unit.spec.ts': docs['chat.unit.spec.ts'] ?? '',
    'src/chat.spec.ts': docs['chat.spec.ts'] ?? '',
  });
  const result = await run(
    process.execPath,
    [join(REPO, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'],
    dir,
  );
  if (!/Tests:\s+3 passed, 3 total/.test(result.output)) throw new Error(result.output);
  expect(result.code).toBe(0);
});

test('the Vitest recipe (no decorator metadata, vi.fn) runs its spec against the package', async () => {
  const docs = docFiles();
  const dir = writeProject(
    'vitest-app',
    {
      'package.json': JSON.stringify({ name: 'vitest-app', private: true, type: 'module' }),
      'tsconfig.json': JSON.stringify(readmeTsconfig()),
      'src/chat.controller.ts': docs['chat.controller.ts'] ?? '',
      'src/chat.test.ts': docs['chat.test.ts'] ?? '',
    },
    ['vitest'],
  );
  const result = await run(
    process.execPath,
    [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
    dir,
    { NO_COLOR: '1', FORCE_COLOR: '0' },
  );
  if (!/Tests\s+2 passed \(2\)/.test(result.output.replace(/\u001b\[[0-9;]*m/g, '')))
    throw new Error(result.output);
  expect(result.code).toBe(0);
});
