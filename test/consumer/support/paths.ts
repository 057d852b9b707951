/** Where the consumer matrix keeps the packed package, the projects it writes and its tools. */
import { join } from 'node:path';

/** The repository root. */
export const REPO = join(__dirname, '..', '..', '..');
/** test/consumer: its node_modules holds TypeScript 7, tsx and Vitest. */
export const CONSUMER = join(__dirname, '..');
/** Work folder (git-ignored), inside the repository so the package's dependencies resolve from its node_modules. */
export const WORK = join(REPO, 'test-artifacts', 'consumer');
/** The packed package, extracted where every project under WORK finds it. */
export const INSTALLED = join(WORK, 'node_modules', 'ws-controllers');
/** What global-setup recorded about the tarball. */
export const PACK_INFO = join(WORK, 'pack.json');
/** The compilers of the matrix. */
export const COMPILERS = {
  'TypeScript 5.9': join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
  'TypeScript 7': join(CONSUMER, 'node_modules', 'typescript', 'bin', 'tsc'),
} as const;
