/**
 * @module asyncapi/load-module
 * Loads a module file for the CLI: compiled JavaScript as is, TypeScript through swc (`@swc/core`, the
 * project's own copy when it has one), which emits `design:type` metadata (the payload schemas come
 * from it) and, unlike the TypeScript compiler, still has a JavaScript API in TypeScript 7. Without
 * swc, a TypeScript that has `transpileModule` (5.x) is used; failing both, a clear error.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readClassMetadata } from '../metadata/reflection';

type Class = new (...args: never[]) => unknown;
type CompileHook = (module: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => void;
/** Turns one TypeScript file into CommonJS with decorator metadata. */
type Transpile = (source: string, filename: string) => string;

const TS_EXTENSIONS = ['.ts', '.cts', '.mts'];

/** Requires a package from the user's project first, then from this package's own dependencies. */
function requireFrom(file: string, name: string): unknown {
  for (const from of [file, __filename]) {
    try {
      return createRequire(from)(name) as unknown;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

interface Swc {
  transformSync(source: string, options: Record<string, unknown>): { code: string };
}
interface TypeScriptApi {
  transpileModule?: (source: string, options: Record<string, unknown>) => { outputText: string };
  ModuleKind?: { CommonJS: unknown };
  ScriptTarget?: { ES2022: unknown };
}

/** The compiler for `.ts` files: swc, else a TypeScript with a compiler API (5.x), else an error naming the fix. */
export function findTranspiler(file: string): Transpile {
  const swc = requireFrom(file, '@swc/core') as Swc | undefined;
  if (swc && typeof swc.transformSync === 'function') {
    return (source, filename) =>
      swc.transformSync(source, {
        filename,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      }).code;
  }
  const ts = requireFrom(file, 'typescript') as TypeScriptApi | undefined;
  if (ts?.transpileModule && ts.ModuleKind && ts.ScriptTarget) {
    const { transpileModule, ModuleKind, ScriptTarget } = ts as Required<TypeScriptApi>;
    return (source, filename) =>
      transpileModule(source, {
        fileName: filename,
        compilerOptions: {
          module: ModuleKind.CommonJS,
          target: ScriptTarget.ES2022,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          useDefineForClassFields: false,
          inlineSourceMap: true,
        },
      }).outputText;
  }
  throw new Error(
    `Loading ${file} needs '@swc/core' to compile TypeScript with decorator metadata ` +
      '(TypeScript 7 has no compiler API to do it): npm install --save-dev @swc/core, or pass the compiled .js file',
  );
}

// Compiles every TypeScript file required while loading (the module and what it imports).
function withTypeScriptHook<T>(file: string, load: () => T): T {
  const extensions = require.extensions as unknown as Record<string, CompileHook | undefined> | undefined;
  // Under a runner with its own module system (jest), `require` already compiles TypeScript.
  if (extensions === undefined) return load();
  const transpile = findTranspiler(file);
  const previous = new Map(TS_EXTENSIONS.map((ext) => [ext, extensions[ext]]));
  const hook: CompileHook = (module, filename) => module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
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
