/**
 * @module cli/commands/generate
 * `generate controller <name> [--path /name] [--dir src] [--force]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CliCommand, CliIo } from '../command';
import { controllerName, routePath } from '../names';
import { addControllerToModule, describeEdit, findNearestModule } from '../register-controller';
import { controllerFiles } from '../templates/controller';
import { UsageError } from '../usage-error';
import { writeFiles } from '../write-files';

const KINDS = ['controller'];

/** Scaffolds a controller, its DTO and a spec that passes as generated. */
export const generateCommand: CliCommand = {
  name: 'generate',
  usage: ['generate controller <name> [--path /name] [--dir src] [--force] [--dry-run]'],
  summary:
    'Write <dir>/<name>/<name>.controller.ts, <name>.dto.ts and a passing <name>.controller.spec.ts, and add the controller to the nearest @Module.',
  options: {
    path: { type: 'string', valueHint: '/name', description: 'The controller path (default: /<name>)' },
    dir: { type: 'string', valueHint: 'dir', description: 'The source folder to write into (default: src)' },
    force: { type: 'boolean', description: 'Overwrite files that already exist' },
    'dry-run': {
      type: 'boolean',
      description: 'Print the files it would write and the module edit; write nothing',
    },
  },
  run({ positionals, options, cwd }, io) {
    const [kind, name, ...extra] = positionals;
    if (kind === undefined) throw new UsageError(`Missing what to generate: ${KINDS.join(', ')}.`);
    if (!KINDS.includes(kind))
      throw new UsageError(`Cannot generate '${kind}': expected one of ${KINDS.join(', ')}.`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
    const forms = controllerName(name);
    const route = routePath(typeof options.path === 'string' ? options.path : `/${forms.kebab}`);
    const dir = typeof options.dir === 'string' ? options.dir : 'src';
    const files = controllerFiles(forms, route);
    const dryRun = options['dry-run'] === true;
    const code = writeFiles(resolve(cwd, dir), files, options.force === true, io, cwd, dryRun);
    if (code === 0) {
      const root = resolve(cwd, dir);
      // The search stops at the working directory, or at --dir when that lies outside it.
      const inside = !relative(cwd, root).startsWith('..') && !isAbsolute(relative(cwd, root));
      register(
        resolve(root, files[0]?.path ?? ''),
        `${forms.pascal}Controller`,
        { cwd, stop: inside ? cwd : root, dryRun },
        io,
      );
    }
    return code;
  },
};

/** Lists the controller in the nearest @Module, or says how to when there is none the CLI can edit. */
function register(
  controllerFile: string,
  className: string,
  where: { cwd: string; stop: string; dryRun: boolean },
  io: CliIo,
): void {
  const { cwd, stop, dryRun } = where;
  const moduleFile = findNearestModule(resolve(controllerFile, '..'), stop);
  const before = moduleFile === undefined ? undefined : readFileSync(moduleFile, 'utf8');
  const after =
    moduleFile === undefined || before === undefined
      ? undefined
      : addControllerToModule(moduleFile, before, className, controllerFile);
  if (moduleFile === undefined || before === undefined || after === undefined) {
    io.out(
      `Next: add ${className} to the controllers of your @Module${moduleFile === undefined ? '' : ` (${shown(moduleFile, cwd)} was left as it is)`}.`,
    );
    return;
  }
  if (after === before) {
    io.out(`${shown(moduleFile, cwd)} already lists ${className}`);
    return;
  }
  if (dryRun) {
    io.out(`would update ${shown(moduleFile, cwd)}:`);
    for (const line of describeEdit({ file: moduleFile, before, after })) io.out(`  ${line}`);
    return;
  }
  writeFileSync(moduleFile, after);
  io.out(`updated ${shown(moduleFile, cwd)} (${className} added to its controllers)`);
}

function shown(absolute: string, cwd: string): string {
  const path = relative(cwd, absolute);
  return path.startsWith('..') || isAbsolute(path) ? absolute : path;
}
