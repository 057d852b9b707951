/**
 * @module pipeline
 * The request pipeline's public pieces.
 */
export { ExecutionContext, type HandlerRef } from './execution-context';
export { RequestPipeline, type PipelineOptions } from './request-pipeline';
export { scopedContainer } from './connection-scope';
export { RATE_LIMIT_CLOSE, DEFAULT_CLOSE_AFTER } from './rate-limit';
export type * from './types';
