/**
 * @module asyncapi/load-module
 * Loads a module file for the CLI: compiled JavaScript as is, TypeScript through the TypeScript
 * compiler (the project's own copy when it has one). TypeScript is used rather than an esbuild-based
 * loader because only `tsc` emits `design:type` metadata, which the payload schemas come from.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readClassMetadata } from '../metadata/reflection';

type Class = new (...args: never[]) => unknown;
type TypeScript = typeof import('typescript');
type CompileHook = (module: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => void;

const TS_EXTENSIONS = ['.ts', '.cts', '.mts'];

function loadTypeScript(file: string): TypeScript {
  for (const from of [file, __filename]) {
    try {
      return createRequire(from)('typescript') as TypeScript;
    } catch {
      // try the next place
    }
  }
  throw new Error(`Loading ${file} needs the 'typescript' package: npm install --save-dev typescript (or pass the compiled .js file)`);
}

// Compiles every TypeScript file required while loading (the module and what it imports).
function withTypeScriptHook<T>(file: string, load: () => T): T {
  const extensions = require.extensions as unknown as Record<string, CompileHook | undefined> | undefined;
  // Under a runner with its own module system (jest), `require` already compiles TypeScript.
  if (extensions === undefined) return load();
  const ts = loadTypeScript(file);
  const previous = new Map(TS_EXTENSIONS.map((ext) => [ext, extensions[ext]]));
  const hook: CompileHook = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
        useDefineForClassFields: false,
        inlineSourceMap: true,
      },
    });
    module._compile(output.outputText, filename);
  };
  for (const ext of TS_EXTENSIONS) extensions[ext] = hook;
  try {
    return load();
  } finally {
    for (const [ext, original] of previous) {
      if (original) extensions[ext] = original;
      else delete extensions[ext];
    }
  }
}

// The caller's own `require` on purpose: under jest it is jest's, which shares the test's globals
// (reflect-metadata, class-transformer's storage) with the code that reads the metadata.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFile = (file: string): Record<string, unknown> => require(file) as Record<string, unknown>;

/** Requires (or imports, for ES modules) a module file and returns its exports. */
export async function loadModuleFile(file: string): Promise<Record<string, unknown>> {
  if (TS_EXTENSIONS.includes(extname(file))) return withTypeScriptHook(file, () => requireFile(file));
  try {
    return requireFile(file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
    // A real dynamic import, which the CommonJS output of `import()` would turn into `require`.
    const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;
    return importEsm(pathToFileURL(file).href);
  }
}

const isModuleClass = (value: unknown): value is Class => typeof value === 'function' && readClassMetadata(value)?.module !== undefined;

/**
 * Picks the `@Module()` class among a file's exports: the named one, else the default export, else
 * the only root (a module no other exported module imports).
 */
export function pickModuleClass(exports: Record<string, unknown>, name?: string): Class {
  if (name !== undefined) {
    const named = exports[name];
    if (!isModuleClass(named)) throw new Error(`The export '${name}' is not a @Module() class`);
    return named;
  }
  if (isModuleClass(exports.default)) return exports.default;
  const modules = Object.values(exports).filter(isModuleClass);
  const imported = new Set(modules.flatMap((m) => readClassMetadata(m)?.module?.imports ?? []));
  const roots = [...new Set(modules.filter((m) => !imported.has(m)))];
  if (roots.length === 1) return roots[0] as Class;
  if (roots.length === 0) throw new Error('The file exports no @Module() class');
  throw new Error(`The file exports several root modules (${roots.map((m) => m.name).join(', ')}): choose one with --export <name>`);
}
