/** A logger that keeps what it was given, to assert on what a node or emitter logged. */
import type { Logger } from 'ws-controllers';

/** One logged line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A logger and the lines it received. */
export function captureLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (fields: object | string, message?: string): void => {
      if (typeof fields === 'string') lines.push({ level, message: fields, fields: {} });
      else lines.push({ level, message: message ?? '', fields: fields as Record<string, unknown> });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
