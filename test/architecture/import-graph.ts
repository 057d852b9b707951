/**
 * The import graph of src/ (type imports included), read with TypeScript's pre-processor: each
 * relative import or re-export becomes an edge between files, and between their top folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface ImportGraph {
  /** file (relative to src, with extension) -> files it imports */
  files: Map<string, Set<string>>;
  /** top folder -> top folders it imports (files directly in src/ count as '.') */
  folders: Map<string, Set<string>>;
}

function listTs(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listTs(full, out);
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function resolve(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const folderOf = (rel: string): string => (rel.includes(path.sep) ? rel.split(path.sep)[0]! : '.');

/** Reads the graph of every .ts file under `root`. */
export function readImportGraph(root: string): ImportGraph {
  const files = new Map<string, Set<string>>();
  const folders = new Map<string, Set<string>>();
  for (const file of listTs(root)) {
    const rel = path.relative(root, file);
    const edges = new Set<string>();
    files.set(rel, edges);
    // preProcessFile sees `import type`, `export ... from` and `import('...')` types alike.
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = resolve(file, imported.fileName);
      if (target === undefined) continue;
      const targetRel = path.relative(root, target);
      edges.add(targetRel);
      const from = folderOf(rel);
      const to = folderOf(targetRel);
      if (from !== to) {
        let set = folders.get(from);
        if (set === undefined) folders.set(from, (set = new Set()));
        set.add(to);
      }
    }
  }
  return { files, folders };
}

/** Strongly connected components with more than one node (or a self-loop): the cycles. */
export function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}
