import { readFileSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');

/** The first ```ts block after a heading. */
function codeBlockAfter(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no '${heading}' section`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match?.[1]) throw new Error(`no ts block after '${heading}'`);
  return match[1];
}

test('the README quick start has at most 15 lines and type-checks against the package', () => {
  const code = codeBlockAfter('## Quick start');
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(15);
  // Inside the repository so that node_modules resolve as they would in a user's project.
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(root, 'test-artifacts', 'quick-start-'));
  try {
    const file = join(dir, 'main.ts');
    writeFileSync(file, code);
    const program = ts.createProgram([file], {
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      baseUrl: root,
      paths: { 'ws-controllers': ['src/index.ts'] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
