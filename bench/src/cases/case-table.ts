/**
 * @module bench/cases/case-table
 * Markdown tables for the cases in their own files: per set-up, min / median / max over rounds of a
 * figure, and per-round ratios to a reference of the same run as `median (min–max)` (parity flagged).
 */
import type { WindowResult } from '../client/windows';
import { perRound, ratio, stats, type CaseSummary } from '../round-stats';

/** One column: a figure per round window, shown as a median or as min / median / max. */
export interface Column {
  head: string;
  value(w: WindowResult): number | undefined;
  digits?: number;
  /** Show min / **median** / max instead of the median alone. */
  spread?: boolean;
  /** Divide by 1000 and add `k`. */
  kilo?: boolean;
}

/** A ratio column: the figure over the reference's within each round. */
export interface RatioColumn {
  head: string;
  reference: string;
  value(w: WindowResult): number | undefined;
}

const fmt = (value: number, digits: number, kilo = false): string =>
  Number.isFinite(value) ? (kilo ? `${(value / 1000).toFixed(1)}k` : value.toFixed(digits)) : '–';

/** `median (min–max)` of the per-round ratios; `parity` when the spread includes 1.0. */
export function ratioText(
  summary: CaseSummary,
  reference: CaseSummary | undefined,
  value: (w: WindowResult) => number | undefined,
): string {
  if (reference === summary) return '1.00 (ref)';
  const r = ratio(summary, reference, value);
  if (!r || r.count === 0) return '–';
  return `${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})${r.parity ? ' parity' : ''}`;
}

/** The table of one case: a row per set-up. */
export function caseTable(results: CaseSummary[], columns: Column[], ratios: RatioColumn[]): string[] {
  const heads = [
    'case',
    'server',
    ...columns.map((c) => c.head),
    ...ratios.map((r) => r.head),
    'server core',
    'client core',
    'other (max)',
  ];
  const lines = [`| ${heads.join(' | ')} |`, '|' + '---|'.repeat(heads.length)];
  for (const summary of results) {
    const { byRound, noisy } = perRound(summary);
    const windows = [...byRound.values()];
    const cells = [summary.label, summary.server + (noisy ? ' ⚠' : '')];
    for (const column of columns) {
      const s = stats(windows.map((w) => column.value(w) ?? NaN));
      const d = column.digits ?? 2;
      cells.push(
        column.spread
          ? `${fmt(s.min, d, column.kilo)} / **${fmt(s.median, d, column.kilo)}** / ${fmt(s.max, d, column.kilo)}`
          : fmt(s.median, d, column.kilo),
      );
    }
    for (const r of ratios) {
      const reference = results.find(
        (other) => other.label === summary.label && other.server === r.reference,
      );
      cells.push(ratioText(summary, reference, r.value));
    }
    cells.push(
      fmt(stats(windows.map((w) => w.serverCore)).median, 2),
      fmt(stats(windows.map((w) => w.clientCore)).median, 2),
      fmt(Math.max(...windows.map((w) => w.otherCore)), 2),
    );
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}
