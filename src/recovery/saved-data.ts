/**
 * @module recovery/saved-data
 * `client.data` as a session keeps it: JSON text, restored key by key (never onto `__proto__`).
 */
import type { Logger } from '../util/logger';

/** `client.data` as JSON text (when it cannot be serialised: `{}`, with a warning). */
export function saveData(data: Record<string, unknown>, logger: Logger): string {
  try {
    return JSON.stringify(data) ?? '{}';
  } catch (err) {
    logger.warn({ err }, 'client.data is not JSON-serialisable: a resumed session gets an empty client.data');
    return '{}';
  }
}

/** Restores saved `client.data` into a connection's bag (own keys only). */
export function restoreData(bag: Record<string, unknown>, text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) if (key !== '__proto__') bag[key] = (value as Record<string, unknown>)[key];
}
