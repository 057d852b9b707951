/**
 * @module util/logger
 * The logger interface the framework writes to (pino-compatible).
 */

/** One log method: `(fields, message)` or `(message)`, as in pino. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** Any logger with pino's level methods. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
