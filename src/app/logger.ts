/**
 * @module app/logger
 * The framework's default logger (pino) and the `logger` option.
 */
import type { LogFn, Logger } from '../util/logger';

export type { LogFn, Logger };

const noop: LogFn = () => {};

/** A logger that drops everything (`logger: false`). */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * The default: JSON lines on stdout through pino, at `WS_CONTROLLERS_LOG_LEVEL` (default `info`).
 */
export function createDefaultLogger(): Logger {
  // Loaded on first use, not at import: pino reads os.hostname() as it loads, which Deno refuses
  // without --allow-sys, so `logger: false` or a logger of your own never needs that permission.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pino = require('pino') as typeof import('pino');
  return pino({ name: 'ws-controllers', level: process.env.WS_CONTROLLERS_LOG_LEVEL ?? 'info' });
}

/** Picks the logger from the `logger` option. */
export function resolveLogger(option: Logger | false | undefined): Logger {
  if (option === false) return silentLogger;
  return option ?? createDefaultLogger();
}
