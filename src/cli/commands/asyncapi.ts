/**
 * @module cli/commands/asyncapi
 * `asyncapi <module-file> [--out asyncapi.json]`: writes the AsyncAPI 3.0 document of a module.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createAsyncApiDocument } from '../../asyncapi/document';
import { loadModuleFile, pickModuleClass } from '../../asyncapi/load-module';
import type { CliCommand } from '../command';
import { UsageError } from '../usage-error';

const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** Generates an AsyncAPI document from a module file (.js, or .ts compiled on the fly). */
export const asyncapiCommand: CliCommand = {
  name: 'asyncapi',
  usage: ['asyncapi <module-file> [--out asyncapi.json] [--export AppModule] [--title T] [--api-version 1.0.0]'],
  summary: 'Write the AsyncAPI 3.0 document of a module (stdout unless --out). Loads .js, or .ts with the typescript package.',
  options: {
    out: { type: 'string', description: 'File to write (default: print to stdout)', valueHint: 'file' },
    export: { type: 'string', description: 'Name of the exported @Module() class when the file has several', valueHint: 'name' },
    title: { type: 'string', description: 'info.title (default: the module class name)', valueHint: 'title' },
    'api-version': { type: 'string', description: 'info.version (default: 1.0.0)', valueHint: 'version' },
  },
  async run({ positionals, options, cwd }, io) {
    const [file, ...extra] = positionals;
    if (file === undefined || file === '') throw new UsageError('Missing the module file, e.g. `ws-controllers asyncapi dist/app.module.js`.');
    if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
    const module = pickModuleClass(await loadModuleFile(resolve(cwd, file)), text(options.export));
    const doc = createAsyncApiDocument(module, { title: text(options.title), version: text(options['api-version']) });
    const json = JSON.stringify(doc, null, 2) + '\n';
    const out = text(options.out);
    if (out === undefined) {
      io.out(json.trimEnd());
      return 0;
    }
    const target = resolve(cwd, out);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, json);
    io.out(`wrote ${relative(cwd, target) || target} (${Object.keys(doc.operations as object).length} operations)`);
    return 0;
  },
};
