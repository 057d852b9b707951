// Builds the sample chat: the server with tsc (decorator metadata needs it), the page with esbuild.
// Usage: node sample-app/build.mjs   (run by `npm run sample`; tsc takes most of its ~10 s)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

// 1. Server: tsc maps 'ws-controllers' to the repository's src/ (tsconfig paths) and compiles both.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });

// 2. tsc does not rewrite import names, so the compiled 'ws-controllers' must resolve at run time:
// a package.json named after the package makes Node's self-reference point at the compiled src/.
writeFileSync(
  join(dist, 'package.json'),
  JSON.stringify({ name: 'ws-controllers', private: true, exports: { '.': './src/index.js', './*': './src/*/index.js' } }, null, 2) + '\n',
);

// 3. Page: one browser bundle, with the browser entry of the client (no Node built-ins).
mkdirSync(join(dist, 'public'), { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'web', 'main.ts')],
  outfile: join(dist, 'public', 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  alias: { 'ws-controllers/client': join(root, 'src', 'client', 'browser.ts') },
  logLevel: 'warning',
});
