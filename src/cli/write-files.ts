/**
 * @module cli/write-files
 * Writes generated files all or nothing: existing files are refused unless `force` is set,
 * and the refusal is decided before anything is written.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { CliIo } from './command';

/** A file to write, its path relative to `root`. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** Writes `files` under `root`, printing one line per file (only printing, with `dryRun`); returns the exit code. */
export function writeFiles(root: string, files: readonly GeneratedFile[], force: boolean, io: CliIo, cwd: string, dryRun = false): number {
  const targets = files.map((file) => ({ ...file, absolute: resolve(root, file.path) }));
  // Paths inside the working directory print relative to it, others in full.
  const shown = (absolute: string): string => {
    const path = relative(cwd, absolute);
    return path.startsWith('..') || isAbsolute(path) ? absolute : path || '.';
  };
  const existing = targets.filter((t) => existsSync(t.absolute));
  if (existing.length > 0 && !force) {
    for (const t of existing) io.err(`error: ${shown(t.absolute)} already exists`);
    io.err('Nothing was written. Use --force to overwrite.');
    return 1;
  }
  for (const t of targets) {
    const overwrote = existsSync(t.absolute);
    if (dryRun) {
      io.out(`would ${overwrote ? 'overwrite' : 'create'} ${shown(t.absolute)}`);
      continue;
    }
    mkdirSync(dirname(t.absolute), { recursive: true });
    writeFileSync(t.absolute, t.content);
    io.out(`${overwrote ? 'overwrote' : 'created'} ${shown(t.absolute)}`);
  }
  return 0;
}
