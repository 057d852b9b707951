/**
 * Packs the package once for the whole matrix (`npm pack` runs `prepack`: a clean build), and
 * extracts the tarball where the consumer projects find it, as `npm install` would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMER, INSTALLED, PACK_INFO, REPO, WORK } from './paths';

export default function globalSetup(): void {
  if (!existsSync(join(CONSUMER, 'node_modules', 'typescript', 'bin', 'tsc'))) {
    throw new Error('The consumer matrix needs its own tools: run `npm ci --prefix test/consumer` first.');
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'node_modules'), { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', WORK], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // npm prints the prepack script's output before the JSON.
  const [pack] = JSON.parse(out.slice(out.indexOf('['))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  if (!pack) throw new Error(`npm pack printed no result:\n${out}`);
  const tarball = join(WORK, pack.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', WORK]);
  renameSync(join(WORK, 'package'), INSTALLED);
  writeFileSync(PACK_INFO, JSON.stringify({ tarball, files: pack.files.map((f) => f.path).sort() }, null, 2));
}
