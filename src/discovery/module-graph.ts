/**
 * @module discovery/module-graph
 * Walks a root module and its imports once, collecting controllers and providers.
 */
import { readClassMetadata } from '../metadata/reflection';
import type { Provider } from '../metadata/types';

type Class = new (...args: never[]) => unknown;

/** What a module tree declares. */
export interface ModuleGraph {
  modules: Class[];
  controllers: Class[];
  providers: Provider[];
}

/** Collects the controllers and providers of a module and everything it imports (each module once). */
export function collectModuleGraph(root: Class): ModuleGraph {
  const graph: ModuleGraph = { modules: [], controllers: [], providers: [] };
  const seen = new Set<Class>();
  const visit = (module: Class, trail: string[]): void => {
    if (seen.has(module)) return;
    seen.add(module);
    const meta = readClassMetadata(module)?.module;
    if (!meta) {
      throw new Error(`${[...trail, module?.name ?? String(module)].join(' -> ')} is not a @Module() class`);
    }
    graph.modules.push(module);
    for (const imported of meta.imports ?? []) visit(imported, [...trail, module.name]);
    for (const controller of meta.controllers ?? []) if (!graph.controllers.includes(controller)) graph.controllers.push(controller);
    graph.providers.push(...(meta.providers ?? []));
  };
  visit(root, []);
  return graph;
}
