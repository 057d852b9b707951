/**
 * @module bench/report
 * The Markdown report: per case and server, min / median / max over rounds, and every ratio as the
 * median and min–max of per-round ratios against raw `ws` and raw `ws` + batching of the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { WindowResult } from './client/windows';
import type { MemoryResult } from './memory';
import { pinned } from './processes';
import { perRound, ratio, stats, type CaseSummary } from './round-stats';

export type { CaseSummary } from './round-stats';

const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const kilo = (value: number): string => (Number.isFinite(value) ? `${(value / 1000).toFixed(1)}k` : '–');

/** The references every ratio is taken against, per table. */
export const REFERENCES = {
  echo: { plain: 'raw ws', batching: 'raw ws + batching' },
  fan: { plain: 'raw ws naive', batching: 'raw ws + batching' },
} as const;

/** `median (min–max)` of the per-round ratios; `parity` when the spread includes 1.0. */
function ratioCell(summary: CaseSummary, reference: CaseSummary | undefined, metric: (w: WindowResult) => number | undefined): string {
  if (reference === summary) return '1.00 (ref)';
  const r = ratio(summary, reference, metric);
  if (!r || r.count === 0) return '–';
  return `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})${r.parity ? ' parity' : ''}`;
}

const usPerMessage = (w: WindowResult): number => w.serverUsPerMessage;
const perSecond = (w: WindowResult): number => w.perSecond;
const p99 = (w: WindowResult): number | undefined => w.p99Ms;

function row(summary: CaseSummary, results: CaseSummary[], fan: boolean): string {
  const names = fan ? REFERENCES.fan : REFERENCES.echo;
  const find = (name: string): CaseSummary | undefined =>
    results.find((r) => r.label === summary.label && r.server === name);
  const plain = find(names.plain);
  const batching = find(names.batching);
  const { byRound, noisy } = perRound(summary);
  const windows = [...byRound.values()];
  const us = stats(windows.map(usPerMessage));
  const rate = stats(windows.map(perSecond));
  const other = Math.max(...windows.map((w) => w.otherCore));
  const cells = [
    summary.label,
    summary.server + (noisy ? ' ⚠' : ''),
    kilo(rate.median),
    `${fmt(us.min)} / **${fmt(us.median)}** / ${fmt(us.max)}`,
    ratioCell(summary, plain, usPerMessage),
    ratioCell(summary, batching, usPerMessage),
  ];
  if (fan) {
    cells.push(ratioCell(summary, plain, perSecond), ratioCell(summary, batching, perSecond));
  } else {
    const p50 = stats(windows.map((w) => w.p50Ms ?? NaN)).median;
    cells.push(fmt(p50, 3), fmt(stats(windows.map((w) => w.p99Ms ?? NaN)).median, 3), ratioCell(summary, plain, p99));
  }
  cells.push(
    fmt(stats(windows.map((w) => w.serverCore)).median),
    fmt(stats(windows.map((w) => w.clientCore)).median),
    fmt(other),
  );
  return `| ${cells.join(' | ')} |`;
}

function table(results: CaseSummary[], fan: boolean): string[] {
  const head = fan
    ? '| case | server | deliveries/s | server µs/delivery (min / **median** / max) | µs vs raw ws naive | µs vs raw ws + batching | deliveries/s vs raw ws naive | deliveries/s vs raw ws + batching | server core | client core | other (max) |'
    : '| case | server | msgs/s | server µs/msg (min / **median** / max) | µs vs raw ws | µs vs raw ws + batching | p50 ms | p99 ms | p99 vs raw ws | server core | client core | other (max) |';
  const lines = [head, '|' + '---|'.repeat(head.split('|').length - 2)];
  for (const summary of results) lines.push(row(summary, results, fan));
  return lines;
}

/** The framework's rows only: server µs per message against both references, per case. */
function glance(results: CaseSummary[]): string[] {
  const lines = [
    '| case | server | µs vs raw ws (median, min–max) | µs vs raw ws + batching (median, min–max) |',
    '|---|---|---|---|',
  ];
  for (const summary of results.filter((r) => r.server.startsWith('ws-controllers'))) {
    const names = summary.label.startsWith('fan-out') ? REFERENCES.fan : REFERENCES.echo;
    const find = (name: string): CaseSummary | undefined =>
      results.find((r) => r.label === summary.label && r.server === name);
    lines.push(
      `| ${summary.label} | ${summary.server} | ${ratioCell(summary, find(names.plain), usPerMessage)} | ${ratioCell(summary, find(names.batching), usPerMessage)} |`,
    );
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

// The commit the framework was built from (`npm run bench` builds dist/ first), marked when src/ differs.
function sourceCommit(): string {
  const git = (args: string[]): string =>
    spawnSync('git', args, { cwd: join(__dirname, '..', '..'), encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (!head) return 'an unknown commit';
  return git(['status', '--porcelain', '--', 'src']) ? `${head} with local changes in src/` : head;
}

/** The machine and software the run used. */
export function describeMachine(): string[] {
  const root = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return [
    `- CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`,
    `- Load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared: absolute figures move 15–25 % between runs, ratios much less)`,
    `- Node ${process.version}; ws-controllers ${root.version} (dist/ compiled from ${sourceCommit()}); ws ${versionOf('ws')}; @nestjs/core ${versionOf('@nestjs/core')}, @nestjs/websockets ${versionOf('@nestjs/websockets')}, @nestjs/platform-ws ${versionOf('@nestjs/platform-ws')}; class-validator ${versionOf('class-validator')}; socket.io ${versionOf('socket.io')}`,
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
  /** Sections of the cases in their own files (bench/src/cases), placed before idle memory. */
  sections?: string[];
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
      'Server µs/msg = server CPU (utime+stime from /proc) / messages (deliveries for fan-out). ' +
      '⚠ = a round without a clean window: its least disturbed try is used.',
    '',
    'Ratios are taken **within each round** (a server against a reference measured seconds before it) and shown as ' +
      '`median (min–max)` of those per-round ratios. Lower is better for µs and p99, higher for deliveries/s. ' +
      'A ratio whose spread includes 1.0 is marked **parity**: it is the same as the reference, not a win or a loss' +
      (timing.windows < 3 ? ` (this run has ${timing.windows} round(s): the spread says little).` : '.'),
    '',
    'Two references, both hand-written raw `ws` servers in bench/src/servers/raw-ws.ts:',
    '- **raw ws**: a `switch` on the event and one `ws.send` per reply (for fan-out, **raw ws naive**: ' +
      '`JSON.stringify` and `ws.send` per recipient; also shown: stringify-once, and pre-framed = one frame built by ' +
      "ws's `Sender.frame` and written to every member).",
    '- **raw ws + batching**: the same server plus ten lines (bench/src/servers/write-batch.ts) that cork every socket ' +
      'written to during one I/O callback and uncork them all on `process.nextTick`. For fan-out it is the best raw ' +
      'form, pre-framed, plus batching. It is the honest ceiling for pipelined echo (W=16) and fan-out: beating ' +
      'plain raw ws there only shows that batching works.',
    '',
    'ws-controllers **frames a broadcast once** (one encode, one frame, the same bytes written to every member) only ' +
      'on the Node transport (`ws`) with permessage-deflate off (the default) for that connection, while the ws-internals ' +
      'fast paths are on (start-up probe passed, no `WS_CONTROLLERS_NO_WS_INTERNALS=1`); a member whose connection ' +
      'negotiated deflate, or whose sender is still busy, is sent its own frame of the same text. ' +
      'Bun and Deno rows use those runtimes\' own send paths.',
    '',
    '## Ratios at a glance (ws-controllers rows)',
    '',
    ...glance(input.results),
    '',
    '## Echo (request/reply)',
    '',
    ...table(echo, false),
    '',
    'Socket.IO speaks its own protocol and is driven by its own client (socket.io-client), so its client cost differs.',
    '',
    '## Room fan-out (one publisher, 8 in flight)',
    '',
    ...table(fan, true),
    '',
    ...(input.sections ?? []),
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
