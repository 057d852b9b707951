/**
 * @module cli/package-info
 * Reads this package's own package.json (one level above `src/` or `dist/`), so generated
 * projects depend on the same versions this CLI was released with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of our package.json the CLI uses. */
export interface PackageInfo {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

let cached: PackageInfo | undefined;

/** This package's name, version and dependency ranges. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Partial<PackageInfo>;
  cached = {
    name: raw.name ?? 'ws-controllers',
    version: raw.version ?? '0.0.0',
    dependencies: raw.dependencies ?? {},
    devDependencies: raw.devDependencies ?? {},
  };
  return cached;
}
