/**
 * `ws-controllers asyncapi src/app.module.ts` from the packed package, in a project whose
 * `typescript` is TypeScript 7 (no compiler API): the module is compiled with swc, metadata included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLED } from './support/paths';
import { run, writeProject } from './support/project';
import { appModule, readmeTsconfig } from './support/quick-start';

test('the AsyncAPI command documents a .ts module with TypeScript 7 installed', async () => {
  const dir = writeProject(
    'asyncapi-ts7',
    {
      'package.json': JSON.stringify({ name: 'asyncapi-ts7', private: true, type: 'commonjs' }),
      'tsconfig.json': JSON.stringify(readmeTsconfig()),
      'src/app.module.ts': appModule(),
    },
    ['typescript'],
  );
  const bin = join(INSTALLED, 'dist', 'cli', 'main.js');
  const result = await run(
    process.execPath,
    [bin, 'asyncapi', 'src/app.module.ts', '--out', 'asyncapi.json'],
    dir,
  );
  expect(result.code).toBe(0);
  const doc = JSON.parse(readFileSync(join(dir, 'asyncapi.json'), 'utf8')) as {
    asyncapi: string;
    components: { schemas: Record<string, unknown> };
  };
  expect(doc.asyncapi).toBe('3.0.0');
  expect(doc.components.schemas.SayDto).toEqual({
    type: 'object',
    title: 'SayDto',
    properties: { text: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['text'],
    additionalProperties: false,
  });
});
