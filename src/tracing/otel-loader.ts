/**
 * @module tracing/otel-loader
 * Loads `@opentelemetry/api` (an optional peer dependency) only when tracing may be on.
 */
import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module. */
export type OtelApiModule = typeof OtelApi;

/** The message thrown when tracing is asked for and `@opentelemetry/api` is not installed. */
export const MISSING_OTEL_API =
  "ws-controllers: `tracing` needs the '@opentelemetry/api' package (an optional peer dependency). Install it: npm install @opentelemetry/api";

/**
 * Loads `@opentelemetry/api`. When it is missing: throws a clear error if tracing was asked for (`required`),
 * else returns undefined (tracing stays off). `load` is replaceable for tests.
 */
export function loadOtelApi(required: boolean, load: (id: string) => unknown = defaultLoad): OtelApiModule | undefined {
  try {
    return load('@opentelemetry/api') as OtelApiModule;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
    if (required) throw new Error(MISSING_OTEL_API, { cause: error });
    return undefined;
  }
}

function defaultLoad(id: string): unknown {
  // A plain require keeps the API out of the load path of apps that never trace.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}
