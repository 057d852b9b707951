/**
 * @module sample-app/web/toasts
 * Short-lived notices in the corner: refused actions, connection news.
 */

/** A server or client error as the page shows it. */
export interface ShownError {
  code?: string;
  message: string;
  details?: unknown;
}

/** Shows a notice for a few seconds. */
export function toast(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = document.createElement('div');
  item.className = `toast ${kind}`;
  item.textContent = text;
  box.append(item);
  setTimeout(() => item.remove(), 5000);
}

/** The most useful sentence of an error: a validation constraint when there is one. */
export function describeError(error: ShownError): string {
  const details = Array.isArray(error.details) ? (error.details as Array<{ constraints?: Record<string, string> }>) : [];
  const constraint = details.flatMap((detail) => Object.values(detail.constraints ?? {}))[0];
  return constraint ?? error.message;
}
