import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { runCli } from '../../src/cli/main';

const root = path.join(__dirname, '../..');
const fixture = 'test/asyncapi/cli-fixture/app.module.ts';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'asyncapi-cli-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, root);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('`asyncapi <module-file> --out` writes the document of the root module the file exports', async () => {
  const target = path.join(dir, 'docs/asyncapi.json');
  const result = await run('asyncapi', fixture, '--out', target);
  expect(result).toMatchObject({ code: 0, err: '' });
  expect(result.out).toContain('asyncapi.json');
  const doc = JSON.parse(readFileSync(target, 'utf8')) as { info: { title: string }; channels: Record<string, { address: string }> };
  expect(doc.info.title).toBe('AppModule');
  expect(doc.channels.hello?.address).toBe('/hello');
});

test('without --out the document goes to stdout, with the given title and version', async () => {
  const result = await run('asyncapi', fixture, '--title', 'Hello API', '--api-version', '3.1.4');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.out)).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Hello API', version: '3.1.4' } });
});

test('a file with several root modules needs --export, which picks one', async () => {
  const file = 'test/asyncapi/cli-fixture/two-roots.ts';
  const ambiguous = await run('asyncapi', file);
  expect(ambiguous.code).toBe(1);
  expect(ambiguous.err).toContain('--export');
  const chosen = await run('asyncapi', file, '--export', 'AModule');
  expect(JSON.parse(chosen.out)).toMatchObject({ info: { title: 'AModule' } });
});

test('a missing module file argument is a usage error (exit 2)', async () => {
  const result = await run('asyncapi');
  expect(result.code).toBe(2);
  expect(result.err).toContain('Missing the module file');
});

test('the built CLI loads a .ts module file through swc, decorator metadata included', async () => {
  const cli = path.join(root, 'test-artifacts/asyncapi-cli/main.js');
  await build({ entryPoints: [path.join(root, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: cli, logLevel: 'silent' });
  const target = path.join(dir, 'out.json');
  await promisify(execFile)(process.execPath, [cli, 'asyncapi', fixture, '--out', target], { cwd: root });
  const doc = JSON.parse(readFileSync(target, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  expect(doc.components.schemas.HelloDto).toEqual({
    type: 'object',
    title: 'HelloDto',
    properties: { name: { type: 'string', minLength: 1, maxLength: 10 } },
    required: ['name'],
    additionalProperties: false,
  });
}, 60_000);
