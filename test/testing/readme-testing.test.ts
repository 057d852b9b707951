/** The code blocks of docs/testing.md, written to files and run with Jest against the local package. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO, run } from '../cli/local-package';

jest.setTimeout(120_000);

/** The ```ts blocks of a docs page, keyed by the file name on their first line (`// name.ts`). */
function sectionFiles(page: string): Record<string, string> {
  // The runner recipes at the end are run by the consumer matrix (test/consumer/recipes.test.ts).
  const section = readFileSync(join(REPO, page), 'utf8').split('\n## Runner set-up\n')[0] ?? '';
  const files: Record<string, string> = {};
  for (const [, code] of section.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w.-]+\.ts)\n/.exec(code ?? '')?.[1];
    if (name !== undefined) files[name] = code!;
  }
  return files;
}

test('the docs/testing.md examples type-check and pass as written', async () => {
  const files = sectionFiles('docs/testing.md');
  expect(Object.keys(files).sort()).toEqual(['chat.controller.ts', 'chat.spec.ts', 'chat.unit.spec.ts']);
  mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(REPO, 'test-artifacts', 'readme-testing-'));
  try {
    for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
    const program = ts.createProgram(
      Object.keys(files).map((name) => join(dir, name)),
      {
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        skipLibCheck: true,
        noEmit: true,
        types: ['node', 'jest'],
        typeRoots: [join(REPO, 'node_modules/@types')],
        baseUrl: REPO,
        paths: { 'ws-controllers': ['src/index.ts'], 'ws-controllers/*': ['src/*/index.ts'] },
      },
    );
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || d.file.fileName.startsWith(dir));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const config = {
      rootDir: dir,
      testEnvironment: 'node',
      testMatch: ['**/*.spec.ts'],
      transform: {
        '^.+\\.ts$': [
          require.resolve('@swc/jest'),
          {
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
              target: 'es2022',
            },
            module: { type: 'commonjs' },
          },
        ],
      },
      moduleNameMapper: {
        '^ws-controllers$': join(REPO, 'src/index.ts'),
        '^ws-controllers/(.*)$': join(REPO, 'src/$1/index.ts'),
      },
      setupFiles: [require.resolve('reflect-metadata')],
    };
    const jestBin = join(REPO, 'node_modules/jest/bin/jest.js');
    const result = await run(process.execPath, [jestBin, '--config', JSON.stringify(config), '--ci'], dir);
    expect(result.output).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(result.code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
