/**
 * @module cli/commands/generate
 * `generate controller <name> [--path /name] [--dir src] [--force]`.
 */
import { resolve } from 'node:path';
import type { CliCommand } from '../command';
import { controllerName, routePath } from '../names';
import { controllerFiles } from '../templates/controller';
import { UsageError } from '../usage-error';
import { writeFiles } from '../write-files';

const KINDS = ['controller'];

/** Scaffolds a controller, its DTO and a spec that passes as generated. */
export const generateCommand: CliCommand = {
  name: 'generate',
  usage: ['generate controller <name> [--path /name] [--dir src] [--force]'],
  summary: 'Write <dir>/<name>/<name>.controller.ts, <name>.dto.ts and a passing <name>.controller.spec.ts.',
  options: {
    path: { type: 'string', valueHint: '/name', description: 'The controller path (default: /<name>)' },
    dir: { type: 'string', valueHint: 'dir', description: 'The source folder to write into (default: src)' },
    force: { type: 'boolean', description: 'Overwrite files that already exist' },
  },
  run({ positionals, options, cwd }, io) {
    const [kind, name, ...extra] = positionals;
    if (kind === undefined) throw new UsageError(`Missing what to generate: ${KINDS.join(', ')}.`);
    if (!KINDS.includes(kind)) throw new UsageError(`Cannot generate '${kind}': expected one of ${KINDS.join(', ')}.`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
    const forms = controllerName(name);
    const route = routePath(typeof options.path === 'string' ? options.path : `/${forms.kebab}`);
    const dir = typeof options.dir === 'string' ? options.dir : 'src';
    const code = writeFiles(resolve(cwd, dir), controllerFiles(forms, route), options.force === true, io, cwd);
    if (code === 0) io.out(`Next: add ${forms.pascal}Controller to the controllers of your @Module.`);
    return code;
  },
};
