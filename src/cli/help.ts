/**
 * @module cli/help
 * Plain-text help, built from the command table.
 */
import type { CliCommand, CliOption } from './command';

const BIN = 'ws-controllers';

function optionLines(options: Record<string, CliOption>): string[] {
  const entries = Object.entries(options).map(([name, option]) => {
    const flag = option.type === 'string' ? `--${name} <${option.valueHint ?? 'value'}>` : `--${name}`;
    return [flag, option.description] as const;
  });
  entries.push(['-h, --help', 'Show this help']);
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

/** Help for the whole CLI. */
export function mainHelp(commands: readonly CliCommand[]): string {
  const lines = [`Usage: ${BIN} <command> [options]`, '', 'Commands:'];
  for (const command of commands) {
    for (const usage of command.usage) lines.push(`  ${BIN} ${usage}`);
    lines.push(`      ${command.summary}`);
  }
  lines.push('', 'Options:', '  -h, --help     Show help (also after a command)', '  -v, --version  Show the version');
  return lines.join('\n');
}

/** Help for one command. */
export function commandHelp(command: CliCommand): string {
  const usage = command.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${BIN} ${line}`);
  return [...usage, '', command.summary, '', 'Options:', ...optionLines(command.options)].join('\n');
}
