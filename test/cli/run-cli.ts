/** Runs the CLI in-process and captures its output. */
import { runCli } from '../../src/cli/main';

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ws-controllers <args>` with `cwd` as the working directory. */
export async function cli(cwd: string, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line) }, cwd);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
