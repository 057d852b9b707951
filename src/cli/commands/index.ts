/**
 * @module cli/commands
 * The command table. To add a command, write `commands/<name>.ts` exporting a `CliCommand`
 * and add one line below.
 */
import type { CliCommand } from '../command';
import { generateCommand } from './generate';
import { newCommand } from './new';
import { asyncapiCommand } from './asyncapi';

/** Every command the CLI knows, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  generateCommand,
  newCommand,
  asyncapiCommand,
];
