/** A logger that keeps what it is given, for tests that assert on log lines. */
import type { Logger } from 'ws-controllers/spi';

/** One captured log call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A logger and the entries it captured. */
export function captureLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: object | string, message?: string): void => {
      if (typeof fields === 'string') entries.push({ level, fields: {}, message: fields });
      else entries.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}
