/**
 * @module metadata/pipeline-extras
 * The extension-list names under which the pipeline decorators record their values (written by
 * decorators/pipeline, read by pipeline/request-pipeline).
 */

/** Extension-list names under which the decorators record their values. */
export const PIPELINE_EXTRAS = {
  guards: 'guards',
  middleware: 'middleware',
  interceptors: 'interceptors',
  filters: 'filters',
  rateLimit: 'rateLimit',
  catch: 'catch',
} as const;
