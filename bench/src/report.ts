/**
 * @module bench/report
 * Summaries (min / median / max over clean windows) and the Markdown tables, ratios taken against
 * the raw `ws` row of the same case in the same run.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { WindowResult } from './client/windows';
import type { MemoryResult } from './memory';
import { pinned } from './processes';

/** All windows of one case against one server. */
export interface CaseSummary {
  label: string;
  server: string;
  windows: WindowResult[];
  /** Clean windows the protocol asks for. */
  wanted: number;
}

interface Stats {
  min: number;
  median: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** The windows a summary stands on: the clean ones, or (on a busy box) the least disturbed ones, flagged. */
function usable(summary: CaseSummary): { windows: WindowResult[]; noisy: boolean } {
  const clean = summary.windows.filter((w) => !w.dropped);
  if (clean.length >= summary.wanted) return { windows: clean, noisy: false };
  const quietest = [...summary.windows].sort((a, b) => a.otherCore - b.otherCore).slice(0, summary.wanted);
  return { windows: quietest, noisy: true };
}

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const kilo = (value: number): string => (Number.isFinite(value) ? `${(value / 1000).toFixed(1)}k` : '–');

function row(summary: CaseSummary, reference: CaseSummary | undefined, fan: boolean): string {
  const { windows, noisy } = usable(summary);
  const us = stats(windows.map((w) => w.serverUsPerMessage));
  const rate = stats(windows.map((w) => w.perSecond));
  const other = Math.max(...windows.map((w) => w.otherCore));
  const ref = reference ? usable(reference).windows : undefined;
  const refUs = ref ? stats(ref.map((w) => w.serverUsPerMessage)).median : NaN;
  const refRate = ref ? stats(ref.map((w) => w.perSecond)).median : NaN;
  const cells = [
    summary.label,
    summary.server + (noisy ? ' ⚠' : ''),
    kilo(rate.median),
    `${fmt(us.min)} / **${fmt(us.median)}** / ${fmt(us.max)}`,
    fmt(us.median / refUs),
  ];
  if (fan) {
    cells.push(fmt(rate.median / refRate));
  } else {
    const p50 = stats(windows.map((w) => w.p50Ms ?? NaN)).median;
    const p99 = stats(windows.map((w) => w.p99Ms ?? NaN)).median;
    const refP99 = ref ? stats(ref.map((w) => w.p99Ms ?? NaN)).median : NaN;
    cells.push(fmt(p50, 3), fmt(p99, 3), fmt(p99 / refP99));
  }
  cells.push(fmt(stats(windows.map((w) => w.serverCore)).median), fmt(stats(windows.map((w) => w.clientCore)).median), fmt(other));
  return `| ${cells.join(' | ')} |`;
}

function table(results: CaseSummary[], fan: boolean, referenceName: string): string[] {
  const head = fan
    ? '| case | server | deliveries/s | server µs/delivery (min / **median** / max) | µs ratio | deliveries/s ratio | server core | client core | other (max) |'
    : '| case | server | msgs/s | server µs/msg (min / **median** / max) | µs ratio | p50 ms | p99 ms | p99 ratio | server core | client core | other (max) |';
  const lines = [head, '|' + '---|'.repeat(head.split('|').length - 2)];
  for (const summary of results) {
    const reference = results.find((r) => r.label === summary.label && r.server === referenceName);
    lines.push(row(summary, reference, fan));
  }
  return lines;
}

function versionOf(name: string): string {
  for (const base of [join(__dirname, '..', 'node_modules'), join(__dirname, '..', '..', 'node_modules')]) {
    try {
      return (JSON.parse(readFileSync(join(base, name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not installed there
    }
  }
  return '?';
}

/** The machine and software the run used. */
export function describeMachine(): string[] {
  const root = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return [
    `- CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    `- Load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared: absolute figures move 15–25 % between runs, ratios much less)`,
    `- Node ${process.version}; ws-controllers ${root.version} (compiled dist/); ws ${versionOf('ws')}; @nestjs/core ${versionOf('@nestjs/core')}, @nestjs/websockets ${versionOf('@nestjs/websockets')}, @nestjs/platform-ws ${versionOf('@nestjs/platform-ws')}; class-validator ${versionOf('class-validator')}; socket.io ${versionOf('socket.io')}`,
    `- Server pinned to core 0, load client to core 1: ${pinned ? 'yes (taskset)' : 'no (taskset missing)'}`,
  ];
}

/** Everything the report shows. */
export interface ReportInput {
  results: CaseSummary[];
  memory: MemoryResult[];
  machine: string[];
  command: string;
  started: Date;
  finished: Date;
  timing: { warmup: number; window: number; windows: number; maxWindows: number };
  idleConnections: number;
}

/** The Markdown report. */
export function renderReport(input: ReportInput): string {
  const echo = input.results.filter((r) => r.label.startsWith('echo'));
  const fan = input.results.filter((r) => r.label.startsWith('fan-out'));
  const rawMemory = input.memory.find((m) => m.server === 'raw ws');
  const { timing } = input;
  return [
    '# Benchmarks',
    '',
    `Command: \`${input.command}\` — ${input.started.toISOString()} to ${input.finished.toISOString()}.`,
    '',
    ...input.machine,
    '',
    `Method (see bench/README.md): each case runs in ${timing.windows} round(s) that visit every server in turn (so a busy spell on the ` +
      `shared machine lands on all of them alike); a round is a fresh client, ${timing.warmup / 1000} s of warm-up, then one ${timing.window / 1000} s window, ` +
      're-run (at most twice) when the rest of the box used more than 20 % of a core. ' +
      'Server µs/msg = server CPU (utime+stime from /proc) / messages. Ratios are to raw `ws` in the same run (lower is better; ' +
      'for fan-out deliveries/s higher is better, against raw ws naive). ⚠ = fewer clean windows than rounds: the least disturbed ones are shown.',
    '',
    '## Echo (request/reply)',
    '',
    ...table(echo, false, 'raw ws'),
    '',
    'Socket.IO speaks its own protocol and is driven by its own client (socket.io-client), so its client cost differs.',
    '',
    '## Room fan-out (one publisher, 8 in flight)',
    '',
    ...table(fan, true, 'raw ws naive'),
    '',
    `## Idle memory per connection (${input.idleConnections.toLocaleString('en')} connections, after forced GC)`,
    '',
    '| server | RSS per connection | heap per connection | RSS vs raw ws | heap vs raw ws |',
    '|---|---|---|---|---|',
    ...input.memory.map((m) => {
      const dRss = rawMemory ? `${m.rssPerConnection - rawMemory.rssPerConnection >= 0 ? '+' : ''}${((m.rssPerConnection - rawMemory.rssPerConnection) / 1024).toFixed(2)} KiB` : '–';
      const dHeap = rawMemory ? `${m.heapPerConnection - rawMemory.heapPerConnection >= 0 ? '+' : ''}${((m.heapPerConnection - rawMemory.heapPerConnection) / 1024).toFixed(2)} KiB` : '–';
      return `| ${m.server} | ${(m.rssPerConnection / 1024).toFixed(2)} KiB | ${(m.heapPerConnection / 1024).toFixed(2)} KiB | ${dRss} | ${dHeap} |`;
    }),
    '',
  ].join('\n');
}
