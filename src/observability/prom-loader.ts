/**
 * @module observability/prom-loader
 * Loads `prom-client` (an optional peer dependency) only when metrics are turned on.
 */
import type * as PromClient from 'prom-client';

/** The `prom-client` module. */
export type PromClientModule = typeof PromClient;

/** The message thrown when metrics are on and `prom-client` is not installed. */
export const MISSING_PROM_CLIENT =
  "ws-controllers: `metrics` needs the 'prom-client' package (an optional peer dependency). Install it: npm install prom-client";

/** Loads `prom-client`, or throws a clear error when it is missing. `load` is replaceable for tests. */
export function loadPromClient(load: (id: string) => unknown = defaultLoad): PromClientModule {
  try {
    return load('prom-client') as PromClientModule;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND')
      throw new Error(MISSING_PROM_CLIENT, { cause: error });
    throw error;
  }
}

function defaultLoad(id: string): unknown {
  // A plain require keeps prom-client out of the load path of apps that never turn metrics on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}
