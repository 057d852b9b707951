/**
 * @module bench/round-stats
 * From the windows of one case to figures: one window per round per server, min / median / max over
 * rounds, and ratios taken *within* each round (server vs reference, measured a few seconds apart)
 * so a busy spell on the shared machine cancels out; their spread is the min–max of the per-round ratios.
 */
import type { WindowResult } from './client/windows';

/** A measured window and the round it belongs to. */
export interface RoundWindow extends WindowResult {
  round: number;
}

/** All windows of one case against one server. */
export interface CaseSummary {
  label: string;
  server: string;
  windows: RoundWindow[];
  /** Rounds the protocol asks for (one clean window each). */
  wanted: number;
}

/** Min / median / max of some values. */
export interface Stats {
  min: number;
  median: number;
  max: number;
  count: number;
}

/** Min / median / max over the finite values. */
export function stats(values: number[]): Stats {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN, count: 0 };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, count: sorted.length };
}

/**
 * The window each round stands on: its clean window, or (when every try in that round was disturbed)
 * the least disturbed one, and then the summary is flagged noisy.
 */
export function perRound(summary: CaseSummary): { byRound: Map<number, WindowResult>; noisy: boolean } {
  const byRound = new Map<number, WindowResult>();
  let noisy = false;
  const rounds = [...new Set(summary.windows.map((w) => w.round))].sort((a, b) => a - b);
  for (const round of rounds) {
    const tries = summary.windows.filter((w) => w.round === round);
    const clean = tries.find((w) => !w.dropped);
    if (clean) byRound.set(round, clean);
    else {
      noisy = true;
      byRound.set(round, [...tries].sort((a, b) => a.otherCore - b.otherCore)[0]!);
    }
  }
  if (rounds.length < summary.wanted) noisy = true;
  return { byRound, noisy };
}

/** A per-round ratio: its median and spread, and how many rounds it stands on. */
export interface Ratio extends Stats {
  /** The spread includes 1.0: the honest reading is "the same as the reference". */
  parity: boolean;
}

/** `metric(summary) / metric(reference)` round by round, over the rounds both have. */
export function ratio(
  summary: CaseSummary,
  reference: CaseSummary | undefined,
  metric: (w: WindowResult) => number | undefined,
): Ratio | undefined {
  if (!reference) return undefined;
  const ours = perRound(summary).byRound;
  const theirs = perRound(reference).byRound;
  const values: number[] = [];
  for (const [round, window] of ours) {
    const other = theirs.get(round);
    const a = metric(window);
    const b = other ? metric(other) : undefined;
    if (a !== undefined && b !== undefined && b > 0) values.push(a / b);
  }
  const s = stats(values);
  return { ...s, parity: s.count > 0 && s.min <= 1 && s.max >= 1 };
}
