/**
 * @module cli/register-controller
 * Adds a generated controller to the nearest `@Module` (as `nest g` does): the closest `*.module.ts`
 * walking up from the controller's folder, edited as text (no compiler API: TypeScript 7 has none).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The edit of one module file: its path and its text before and after. */
export interface ModuleEdit {
  file: string;
  before: string;
  after: string;
}

/** The closest module file at or above `from`, stopping at the project root (package.json) or `stop`. */
export function findNearestModule(from: string, stop: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidates = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.module.ts'))
          .sort()
      : [];
    const withModule = candidates.filter((f) => readFileSync(join(dir, f), 'utf8').includes('@Module('));
    // One folder with several modules: the app's root module wins, else the first by name.
    const pick = withModule.find((f) => f === 'app.module.ts') ?? withModule[0];
    if (pick !== undefined) return join(dir, pick);
    if (dir === resolve(stop) || existsSync(join(dir, 'package.json')) || dirname(dir) === dir)
      return undefined;
  }
}

/** The index of the bracket closing the one at `open`, skipping nested brackets. */
function closing(text: string, open: number, pair: '[]' | '()' | '{}'): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === pair[0]) depth++;
    else if (text[i] === pair[1] && --depth === 0) return i;
  }
  return -1;
}

/** The module file's text with `className` imported from `controllerFile` and listed in `controllers`; undefined if its shape is unknown. */
export function addControllerToModule(
  moduleFile: string,
  source: string,
  className: string,
  controllerFile: string,
): string | undefined {
  const at = source.indexOf('@Module(');
  if (at < 0) return undefined;
  if (new RegExp(`\\b${className}\\b`).test(source.slice(at))) return source; // already listed
  const open = at + '@Module'.length;
  const close = closing(source, open, '()');
  if (close < 0) return undefined;
  const args = source.slice(open + 1, close).trim();
  let edited: string;
  if (args === '') {
    edited = `${source.slice(0, open)}({ controllers: [${className}] })${source.slice(close + 1)}`;
  } else if (args.startsWith('{')) {
    const list = /\bcontrollers\s*:\s*\[/.exec(source.slice(open, close));
    if (list) {
      const start = open + list.index + list[0].length - 1;
      const end = closing(source, start, '[]');
      if (end < 0) return undefined;
      const inner = source.slice(start + 1, end);
      const items = inner.trim().replace(/,\s*$/, '');
      edited = `${source.slice(0, start + 1)}${items === '' ? className : `${items}, ${className}`}${source.slice(end)}`;
    } else {
      const brace = source.indexOf('{', open);
      edited = `${source.slice(0, brace + 1)} controllers: [${className}],${source.slice(brace + 1)}`;
    }
  } else {
    return undefined; // @Module(someVariable): not ours to rewrite
  }
  return withImport(edited, className, importPath(moduleFile, controllerFile, source));
}

/** `./chat/chat.controller`, with `.js` when the module's own relative imports carry it (ESM). */
function importPath(moduleFile: string, controllerFile: string, source: string): string {
  let path = relative(dirname(moduleFile), controllerFile).split(sep).join('/').replace(/\.ts$/, '');
  if (!path.startsWith('.')) path = `./${path}`;
  return /from\s+['"]\.{1,2}\/[^'"]+\.js['"]/.test(source) ? `${path}.js` : path;
}

/** Adds `import { name } from 'path';` after the last import statement. */
function withImport(source: string, name: string, path: string): string {
  const line = `import { ${name} } from '${path}';\n`;
  const imports = [...source.matchAll(/^import[\s\S]*?from\s+['"][^'"]+['"];?[^\n]*\n/gm)];
  const last = imports[imports.length - 1];
  if (last === undefined) return line + source;
  const end = last.index + last[0].length;
  return source.slice(0, end) + line + source.slice(end);
}

/** The changed lines of an edit, as `- old` / `+ new` lines (for --dry-run). */
export function describeEdit(edit: ModuleEdit): string[] {
  const before = edit.before.split('\n');
  const after = edit.after.split('\n');
  const removed = before.filter((l) => !after.includes(l)).map((l) => `- ${l}`);
  const added = after.filter((l) => !before.includes(l)).map((l) => `+ ${l}`);
  return [...removed, ...added];
}
