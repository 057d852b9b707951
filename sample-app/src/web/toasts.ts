/**
 * @module sample-app/web/toasts
 * Short-lived notices at the top of the screen: refused actions, connection news. They stay clear of
 * the composer (a refused message must be easy to fix and send again), at most three at a time, and
 * a click dismisses one.
 */

/** A server or client error as the page shows it. */
export interface ShownError {
  code?: string;
  message: string;
  details?: unknown;
}

/** Most toasts on screen; a new one pushes the oldest out. */
const MAX_TOASTS = 3;
const TOAST_MS = 5000;

/** Shows a notice for a few seconds. */
export function toast(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = document.createElement('div');
  item.className = `toast ${kind}`;
  item.textContent = text;
  item.addEventListener('click', () => item.remove());
  box.append(item);
  while (box.childElementCount > MAX_TOASTS) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), TOAST_MS);
}

/** The most useful sentence of an error: a validation constraint when there is one. */
export function describeError(error: ShownError): string {
  const details = Array.isArray(error.details) ? (error.details as Array<{ constraints?: Record<string, string> }>) : [];
  const constraint = details.flatMap((detail) => Object.values(detail.constraints ?? {}))[0];
  return constraint ?? error.message;
}
