/** Bundles the chat page for a test, as `sample-app/build.mjs` does for `npm run sample`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const SAMPLE = join(__dirname, '..', '..');

/** The folders a test server serves: the static files and a fresh bundle of the page. */
export async function buildPage(): Promise<string[]> {
  const out = mkdtempSync(join(tmpdir(), 'sample-chat-page-'));
  await build({
    entryPoints: [join(SAMPLE, 'src', 'web', 'main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    alias: { 'ws-controllers/client': join(SAMPLE, '..', 'src', 'client', 'browser.ts') },
    logLevel: 'warning',
  });
  return [join(SAMPLE, 'public'), out];
}
