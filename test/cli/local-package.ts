/**
 * Builds this repository's package (the entries a user imports: main, testing, the CLI) into a
 * folder with its own package.json, the way it would be installed, and links it into a project.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root. */
export const REPO = join(__dirname, '..', '..');

/** What a finished child process printed. */
export interface ProcessResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, capturing stdout and stderr together. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Compiles the package into `<dir>/dist` with a copy of package.json; returns `dir`. */
export async function buildLocalPackage(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const src = relative(dir, join(REPO, 'src'));
  // Only what users import is compiled (tsc follows the imports), so unrelated work in progress
  // elsewhere in src/ cannot break this build.
  const tsconfig = {
    extends: relative(dir, join(REPO, 'tsconfig.build.json')),
    compilerOptions: { rootDir: src, outDir: 'dist', sourceMap: false },
    // Ambient declarations (`declare module` files) are not imported, so they are listed too.
    include: [join(src, '**/*.d.ts')],
    files: ['index.ts', 'testing/index.ts', 'cli/main.ts'].map((f) => join(src, f)),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, scripts: {} }, null, 2));
  const build = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
  // Type errors elsewhere in the tree (work in progress) are the type-check's business, not this
  // build's: tsc still emits, and what matters here is that the entries exist and run.
  const entries = ['index.js', 'testing/index.js', 'cli/main.js', 'index.d.ts', 'testing/index.d.ts'].map((f) => join(dir, 'dist', f));
  if (build.code !== 0 && !entries.every((f) => existsSync(f))) throw new Error(`building the local package failed:\n${build.output}`);
  return dir;
}

/**
 * Gives `project` a node_modules with `ws-controllers` linked to the local build (what
 * `npm install` of a file: dependency does); everything else resolves from this repository's
 * node_modules, which is an ancestor folder.
 */
export function linkLocalPackage(project: string, pkg: string): void {
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(pkg, join(project, 'node_modules', 'ws-controllers'), 'dir');
  symlinkSync(join(REPO, 'node_modules', '.bin'), join(project, 'node_modules', '.bin'), 'dir');
}
