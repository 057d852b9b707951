/**
 * @module cli/command
 * The shape of one CLI command. Commands are rows in the table of `commands/index.ts`:
 * adding a command is one file plus one line there.
 */

/** Where a command writes its plain-text output. */
export interface CliIo {
  /** A line for stdout. */
  out(line: string): void;
  /** A line for stderr. */
  err(line: string): void;
}

/** One option a command accepts (`--name value` or a boolean `--flag`). */
export interface CliOption {
  type: 'string' | 'boolean';
  /** One line for `--help`. */
  description: string;
  /** Shown as `--name <hint>` in the help. */
  valueHint?: string | undefined;
}

/** What a command receives: its positional arguments (after its own name) and its options. */
export interface CommandInput {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
  /** Directory relative paths are resolved against. */
  cwd: string;
}

/** One CLI command. */
export interface CliCommand {
  /** The first word on the command line, e.g. `generate`. */
  name: string;
  /** Usage lines shown by `--help`, e.g. `generate controller <name> [--path /name]`. */
  usage: string[];
  /** One-line summary for the command list. */
  summary: string;
  /** Options it accepts (`--help` is always accepted). */
  options: Record<string, CliOption>;
  /** Runs the command; resolves with the exit code. Throw `UsageError` for bad input (exit 2). */
  run(input: CommandInput, io: CliIo): Promise<number> | number;
}
