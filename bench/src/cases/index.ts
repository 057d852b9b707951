/**
 * @module bench/cases
 * The cases that live in their own files (issue 20's shapes), in the order the runner runs them:
 * each runs its own rounds and renders its own report section.
 */
import type { CaseSummary } from '../round-stats';
import type { CaseContext } from './case-context';
import { renderCrossNode, runCrossNode } from './cross-node';
import { renderMixedLoad, runMixedLoad } from './mixed-load';
import { renderNested, runNested } from './nested';
import { renderRecovery, runRecovery } from './recovery';
import { renderStorm, runStorm } from './storm';

export { baselineBuilds, type CaseContext } from './case-context';

/** A case in its own file. */
export interface ShapeCase {
  run(ctx: CaseContext): Promise<CaseSummary[]>;
  render(results: CaseSummary[], quick: boolean): string[];
}

/** Nested payloads, reconnect storm, cross-node traffic, latency under mixed load, the cost of session recovery. */
export const SHAPE_CASES: ShapeCase[] = [
  { run: runNested, render: renderNested },
  { run: runStorm, render: renderStorm },
  { run: runCrossNode, render: renderCrossNode },
  { run: runMixedLoad, render: renderMixedLoad },
  { run: runRecovery, render: renderRecovery },
];
