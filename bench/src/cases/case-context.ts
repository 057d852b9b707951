/**
 * @module bench/cases/case-context
 * What a case in its own file gets from the runner (timing, the filter, baseline builds, the log), and
 * the rounds loop they share: every set-up of a case in turn, round after round, one fresh client
 * session per visit, so a busy spell on the shared machine lands on all of them alike.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WindowResult } from '../client/windows';
import { runClient, type ServerProcess } from '../processes';
import type { CaseSummary } from '../round-stats';

/** Protocol timing (rounds = `windows`). */
export interface Timing {
  warmup: number;
  window: number;
  windows: number;
  maxWindows: number;
}

/** What the runner hands a case. */
export interface CaseContext {
  quick: boolean;
  timing: Timing;
  /** Whether the filter selects this case and server (`<label> <server>`). */
  selected(label: string, server: string): boolean;
  /** Other builds of the framework to add rows for (BENCH_BASELINE_DIST). */
  baselines: Baseline[];
  /** Records one server's summary of a case (for the report). */
  log(summary: CaseSummary): void;
}

/** Another build of the framework: its label and `dist/index.js`. */
export interface Baseline {
  label: string;
  dist: string;
}

// A copy of dist/ outside the repository finds its dependencies in the root node_modules (NODE_PATH).
const ROOT_MODULES = join(__dirname, '..', '..', '..', 'node_modules');

function distEntry(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? join(absolute, 'index.js') : absolute;
}

/** BENCH_BASELINE_DIST=<dist/ or dist/index.js>[,<label>=<path>...], in the order given. */
export function baselineBuilds(value = process.env.BENCH_BASELINE_DIST ?? ''): Baseline[] {
  return value
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [label, path] = entry.includes('=')
        ? (entry.split('=') as [string, string])
        : ['baseline', entry];
      const dist = distEntry(path);
      if (!existsSync(dist)) throw new Error(`BENCH_BASELINE_DIST: ${dist} does not exist`);
      return { label, dist };
    });
}

/** The environment that makes a bench server load another build. */
export function baselineEnv(baseline: Baseline): Record<string, string> {
  return { WSC_DIST: baseline.dist, NODE_PATH: ROOT_MODULES };
}

/** One set-up of a case (a server, or a cluster of them) and how a client session drives it. */
export interface Setup<S> {
  name: string;
  /** Whether this set-up is a reference of the case (run whenever anything of the case runs). */
  reference?: boolean;
  /** The framework under test (gets a copy per baseline build). */
  framework?: boolean;
  env?: Record<string, string>;
  /** Filled in once its processes are up. */
  started?: S;
}

/** The set-ups plus one copy of each framework set-up per baseline build (placed before it). */
export function withBaselines<T extends Setup<unknown>>(setups: T[], baselines: Baseline[]): T[] {
  const out: T[] = [];
  for (const setup of setups) {
    if (setup.framework)
      for (const baseline of baselines)
        out.push({
          ...setup,
          name: `${setup.name} (${baseline.label})`,
          env: { ...setup.env, ...baselineEnv(baseline) },
        });
    out.push(setup);
  }
  return out;
}

/** The set-ups of a case that run: the selected ones, and the references when any runs. */
export function running<T extends Setup<unknown>>(ctx: CaseContext, label: string, setups: T[]): T[] {
  const chosen = setups.filter((s) => ctx.selected(label, s.name));
  if (chosen.length === 0) return [];
  return setups.filter((s) => s.reference || chosen.includes(s));
}

/** Client arguments for one measured window per session (re-run at most twice when disturbed). */
export function windowArgs(ctx: CaseContext, pids: number[]): string[] {
  return [
    '--server-pid',
    pids.join(','),
    '--warmup',
    String(ctx.timing.warmup),
    '--window',
    String(ctx.timing.window),
    '--windows',
    '1',
    '--max-windows',
    String(ctx.quick ? 1 : 3),
  ];
}

/**
 * Runs `timing.windows` rounds; in each, one client session per set-up in turn. `session` runs the
 * client and returns its windows. Logs one summary per set-up.
 */
export async function rounds<S, T extends Setup<S>>(
  ctx: CaseContext,
  label: string,
  setups: T[],
  session: (setup: T) => Promise<WindowResult[]>,
): Promise<CaseSummary[]> {
  const merged = new Map<T, CaseSummary>();
  for (let round = 0; round < ctx.timing.windows; round++) {
    for (const setup of setups) {
      const windows = (await session(setup)).map((w) => ({ ...w, round }));
      const previous = merged.get(setup);
      if (previous) previous.windows.push(...windows);
      else merged.set(setup, { label, server: setup.name, windows, wanted: ctx.timing.windows });
    }
  }
  const summaries = [...merged.values()];
  for (const summary of summaries) {
    ctx.log(summary);
    // A window with no messages has no rate or µs (NaN, null once through JSON).
    const num = (v: number | null, digits: number): string => (Number.isFinite(v) ? (v as number).toFixed(digits) : '–');
    const figures = summary.windows.map(
      (w) => `${num(w.perSecond / 1000, 1)}k/s ${num(w.serverUsPerMessage, 2)} µs` + (w.dropped ? '*' : ''),
    );
    process.stderr.write(
      `  ${summary.label.padEnd(22)} ${summary.server.padEnd(34)} ${figures.join(' / ')}\n`,
    );
  }
  return summaries;
}

/** Runs a client file to completion and returns its windows. */
export async function clientWindows(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<WindowResult[]> {
  const { windows } = await runClient<{ windows: WindowResult[] }>(file, args, timeoutMs);
  return windows;
}

/**
 * One fan-out session across nodes (cross-client.js): `perNode` members on each node, the publisher on
 * the first keeping 8 emits in flight; `pids` are the processes whose CPU the windows count.
 */
export function fanWindows(
  ctx: CaseContext,
  nodes: readonly ServerProcess[],
  perNode: number,
  pids: number[],
  timeoutMs: number,
): Promise<WindowResult[]> {
  const members = nodes.map((n) => `${n.port}:${perNode}`).join(',');
  const args = ['--mode', 'fan', '--members', members, '--publisher', String(nodes[0]!.port), '--w', '8'];
  return clientWindows('cross-client.js', [...args, ...windowArgs(ctx, pids)], timeoutMs);
}
