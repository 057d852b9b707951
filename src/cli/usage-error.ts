/**
 * @module cli/usage-error
 * A mistake on the command line (unknown command, bad name, missing argument): exit code 2.
 */

/** Exit code of a usage error, as in most Unix tools. */
export const USAGE_EXIT_CODE = 2;

/** Thrown by commands for bad input; the CLI prints its message and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
