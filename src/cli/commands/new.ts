/**
 * @module cli/commands/new
 * `new <dir> [--force]`: a minimal project that runs with `npm install && npm start`.
 */
import { basename, relative, resolve } from 'node:path';
import type { CliCommand } from '../command';
import { packageName } from '../names';
import { packageInfo } from '../package-info';
import { projectFiles } from '../templates/project';
import { UsageError } from '../usage-error';
import { writeFiles } from '../write-files';

/** Scaffolds a new project. */
export const newCommand: CliCommand = {
  name: 'new',
  usage: ['new <dir> [--force]'],
  summary: 'Write a minimal project (package.json, tsconfig, src/main.ts, one controller with its spec, README).',
  options: {
    force: { type: 'boolean', description: 'Overwrite files that already exist' },
  },
  run({ positionals, options, cwd }, io) {
    const [dir, ...extra] = positionals;
    if (dir === undefined || dir === '') throw new UsageError('Missing the project folder, e.g. `ws-controllers new my-app`.');
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
    const root = resolve(cwd, dir);
    const name = packageName(basename(root));
    const code = writeFiles(root, projectFiles(name, packageInfo()), options.force === true, io, cwd);
    if (code === 0) {
      const shown = relative(cwd, root) || '.';
      io.out('');
      io.out('Next:');
      io.out(`  cd ${shown}`);
      io.out('  npm install');
      io.out('  npm start');
    }
    return code;
  },
};
