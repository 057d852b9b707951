#!/usr/bin/env node
/**
 * @module cli/main
 * The `ws-controllers` command: finds the command in the table, parses its options, runs it.
 * Exit codes: 0 success, 1 failure, 2 usage error (bad command, option or name).
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './command';
import { commands } from './commands';
import { commandHelp, mainHelp } from './help';
import { packageInfo } from './package-info';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';

/** Writes to the process's stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

function parseCommandArgs(command: CliCommand, args: string[]): { positionals: string[]; options: Record<string, string | boolean | undefined> } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(command.options)) options[name] = { type: option.type };
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { positionals: parsed.positionals, options: parsed.values as Record<string, string | boolean | undefined> };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs the CLI with `argv` (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo, cwd: string = process.cwd()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(mainHelp(commands));
    return 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(packageInfo().version);
    return 0;
  }
  try {
    if (first === undefined) throw new UsageError('Missing command.');
    const command = commands.find((c) => c.name === first);
    if (!command) throw new UsageError(`Unknown command '${first}'.`);
    const input = parseCommandArgs(command, rest);
    if (input.options.help === true) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run({ ...input, cwd }, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err(`Run 'ws-controllers --help' for usage.`);
      return USAGE_EXIT_CODE;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
