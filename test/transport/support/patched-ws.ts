/**
 * A copy of the installed ws with some of its source edited, as a ws release that renamed or dropped
 * an internal would be. Tests load it in place of `ws` (`jest.doMock('ws', ...)`) to show that the
 * start-up probe turns the matching fast path off and that everything still works.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One edit: every match of `from` in `file` (relative to the ws package) becomes `to`. */
export interface WsEdit {
  file: string;
  from: RegExp;
  to: string;
}

/** Returns the directory of a ws copy with the edits applied (made once per set of edits). */
export function patchedWs(edits: WsEdit[]): string {
  const source = dirname(require.resolve('ws/package.json'));
  const version = (JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string }).version;
  const id = createHash('sha256').update(JSON.stringify([version, edits.map((e) => [e.file, String(e.from), e.to])])).digest('hex').slice(0, 12);
  // One copy per ws version and set of edits, shared by runs and workers: built aside, then renamed in.
  const target = join(tmpdir(), `ws-controllers-patched-ws-${id}`);
  if (existsSync(join(target, 'package.json'))) return target;
  const building = mkdtempSync(`${target}-`);
  cpSync(source, building, { recursive: true });
  for (const edit of edits) {
    const path = join(building, edit.file);
    const before = readFileSync(path, 'utf8');
    const flags = edit.from.flags.includes('g') ? edit.from.flags : `${edit.from.flags}g`;
    const after = before.replace(new RegExp(edit.from.source, flags), edit.to);
    if (after === before) throw new Error(`edit of ${edit.file} matched nothing: ${edit.from.source}`);
    writeFileSync(path, after);
  }
  try {
    renameSync(building, target);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another worker got there first
  }
  return target;
}
