/**
 * @module bench/cases/nested
 * Nested payloads (issue 20 part 1): the echo of a chat message with an author object and an array of
 * 10 items (about 600 bytes, bench/src/cases/nested-dto.ts), validated. Set-ups: raw `ws` with a
 * hand-written check of the same rules (the reference), the same plus write batching, ws-controllers
 * (`@Payload(ChatMessageDto)`, the framework's defaults), NestJS + ValidationPipe (`transform: true`).
 * One load client for all (load-client `--message nested`); ratios of server µs/msg within each round.
 */
import type { WindowResult } from '../client/windows';
import { startServer, type ServerProcess } from '../processes';
import type { CaseSummary } from '../round-stats';
import { caseTable } from './case-table';
import { clientWindows, rounds, running, windowArgs, withBaselines, type CaseContext, type Setup } from './case-context';

interface NestedSetup extends Setup<ServerProcess> {
  file: string;
  variant: string;
}

const RAW = 'raw ws (hand-written check)';
const BATCHING = 'raw ws + batching (same check)';
const PREFIX = 'nested';

/** The connection and in-flight counts measured (W=16 is held to raw ws + batching, as in the echo table). */
const SHAPES = [
  { c: 50, w: 1 },
  { c: 500, w: 16 },
];

const SETUPS: NestedSetup[] = [
  { name: RAW, file: 'nested-raw.js', variant: 'echo', reference: true },
  { name: BATCHING, file: 'nested-raw.js', variant: 'echo-batch', reference: true },
  { name: 'ws-controllers', file: 'nested-ws-controllers.js', variant: 'echo', framework: true },
  { name: 'NestJS ws + ValidationPipe', file: 'nested-nestjs.mjs', variant: 'echo' },
];

/** Runs the nested cases (servers kept up for all shapes); returns their summaries (also logged). */
export async function runNested(ctx: CaseContext): Promise<CaseSummary[]> {
  const labels = SHAPES.map(({ c, w }) => `${PREFIX} C${c} W${w}`);
  const all = withBaselines(SETUPS, ctx.baselines);
  const needed = all.filter((setup) => labels.some((label) => running(ctx, label, all).includes(setup)));
  if (needed.length === 0) return [];
  process.stderr.write('nested payload cases\n');
  const results: CaseSummary[] = [];
  try {
    for (const setup of needed) setup.started = await startServer(setup.file, setup.variant, [], setup.env);
    for (const [i, { c, w }] of SHAPES.entries()) {
      const label = labels[i]!;
      const setups = running(ctx, label, needed);
      if (setups.length === 0) continue;
      const summaries = await rounds(ctx, label, setups, (setup) =>
        clientWindows(
          'load-client.js',
          [
            '--url',
            `ws://127.0.0.1:${setup.started!.port}/echo`,
            '--mode',
            'echo',
            '--message',
            'nested',
            '--c',
            String(c),
            '--w',
            String(w),
            ...windowArgs(ctx, [setup.started!.pid]),
          ],
          ctx.timing.warmup + ctx.timing.window * 3 + 120_000,
        ),
      );
      results.push(...summaries);
    }
  } finally {
    for (const setup of needed) await setup.started?.stop();
  }
  return results;
}

const us = (w: WindowResult): number => w.serverUsPerMessage;

/** The nested section of the report. */
export function renderNested(results: CaseSummary[]): string[] {
  const rows = results.filter((r) => r.label.startsWith(PREFIX));
  if (rows.length === 0) return [];
  return [
    '## Nested payloads (validated chat message)',
    '',
    'The echo of a chat message of about 600 bytes: `room`, an `author` object (3 validated fields) and 10 `items` ' +
      '(each 2–3 validated fields) under `@ValidateNested({ each: true })` and `@Type`, every level under ' +
      '`whitelist` + `forbidNonWhitelisted` (bench/src/cases/nested-dto.ts). The reference is raw `ws` with a ' +
      'hand-written check of the same rules; NestJS runs `ValidationPipe` with `transform: true` so its handler gets ' +
      'instances too. Every server replies with the validated message. Lower is better.',
    '',
    ...caseTable(
      rows,
      [
        { head: 'msgs/s', value: (w) => w.perSecond, kilo: true },
        { head: 'server µs/msg (min / **median** / max)', value: us, spread: true },
        { head: 'p50 ms', value: (w) => w.p50Ms, digits: 3 },
        { head: 'p99 ms', value: (w) => w.p99Ms, digits: 3 },
      ],
      [
        { head: 'µs vs raw ws (check)', reference: RAW, value: us },
        { head: 'µs vs raw ws + batching (check)', reference: BATCHING, value: us },
      ],
    ),
    '',
  ];
}
