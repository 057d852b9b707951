/**
 * @module pipeline/filters
 * Exception filters: the first filter (handler, then controller, then global) that answers for an
 * error decides what the client gets; unanswered errors keep the core rules.
 */
import { WsException } from '../errors/ws-exception';
import { readClassMetadata } from '../metadata/reflection';
import type { ExecutionContext } from './execution-context';
import type { PipelineResolver } from './resolve';
import type { FilterLike, FilterOutcome, WsExceptionFilter } from './types';

/** A filter with the error types it catches (empty: every error). */
export interface ResolvedFilter {
  readonly filter: WsExceptionFilter;
  readonly types: readonly Function[];
}

/** Resolves a filter once and reads its `@Catch(...)` types. */
export function resolveFilter(resolver: PipelineResolver, like: FilterLike): ResolvedFilter {
  const filter = typeof like === 'function' ? resolver.instance<WsExceptionFilter>(like) : like;
  if (typeof filter?.catch !== 'function') throw new Error('An exception filter needs a catch(error, ctx) method');
  const type = typeof like === 'function' ? like : (like.constructor as Function);
  return { filter, types: (readClassMetadata(type)?.extras.catch ?? []) as Function[] };
}

function toException(outcome: Exclude<FilterOutcome, null | undefined | void>, cause: unknown): WsException {
  if (outcome instanceof WsException) return outcome;
  const exception = new WsException(outcome.code, outcome.message ?? outcome.code, { details: outcome.details });
  // Keeps the original error reachable (e.g. from @OnError) without sending it.
  Object.defineProperty(exception, 'cause', { value: cause, enumerable: false });
  return exception;
}

/**
 * Runs the filters on an error. Resolves `undefined` when a filter suppressed it (nothing is sent);
 * rejects with the mapped `WsException`, or with the original error when no filter answered.
 */
export async function applyFilters(filters: readonly ResolvedFilter[], error: unknown, ctx: ExecutionContext): Promise<undefined> {
  for (const { filter, types } of filters) {
    if (types.length > 0 && !types.some((type) => error instanceof (type as new () => unknown))) continue;
    const outcome = await filter.catch(error, ctx);
    if (outcome === undefined) continue;
    if (outcome === null) return undefined;
    throw toException(outcome, error);
  }
  throw error;
}
