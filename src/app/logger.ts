/**
 * @module app/logger
 * The logger interface the framework writes to (pino-compatible), and its defaults.
 */
import pino from 'pino';

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

const noop: LogFn = () => {};

/** A logger that drops everything (`logger: false`). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * The default: JSON lines on stdout through pino, at `WS_CONTROLLERS_LOG_LEVEL` (default `info`).
 */
export function createDefaultLogger(): Logger {
  return pino({ name: 'ws-controllers', level: process.env.WS_CONTROLLERS_LOG_LEVEL ?? 'info' });
}

/** Picks the logger from the `logger` option. */
export function resolveLogger(option: Logger | false | undefined): Logger {
  if (option === false) return silentLogger;
  return option ?? createDefaultLogger();
}
