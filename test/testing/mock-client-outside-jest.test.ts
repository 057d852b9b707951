/** createMockClient outside Jest: a clear error, or the factory it is given. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO } from '../cli/local-package';

let dir: string;
let bundle: string;

beforeAll(async () => {
  mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
  dir = mkdtempSync(join(REPO, 'test-artifacts', 'mock-client-'));
  bundle = join(dir, 'mock-client.cjs');
  await build({ entryPoints: [join(REPO, 'src/testing/mock-client.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function runNode(script: string): string {
  return execFileSync(process.execPath, ['-e', `const { createMockClient } = require(${JSON.stringify(bundle)});\n${script}`], { encoding: 'utf8' });
}

test('without Jest and without a factory it explains what to pass', () => {
  const output = runNode(`try { createMockClient(); } catch (e) { console.log(e.message); }`);
  expect(output).toContain('createMockClient() needs a mock function factory');
  expect(output).toContain('mockFn: vi.fn');
});

test('without Jest it uses the factory it is given', () => {
  const output = runNode(`
    const fn = (impl) => { const f = (...a) => { f.calls.push(a); return impl(...a); }; f.calls = []; return f; };
    const client = createMockClient({ id: 'x', mockFn: fn });
    client.emit('hi', 1);
    console.log(JSON.stringify({ id: client.id, calls: client.emit.calls }));
  `);
  expect(JSON.parse(output)).toEqual({ id: 'x', calls: [['hi', 1]] });
});
