/**
 * @module sample-app/web/tab-key
 * A random secret per browser tab (sessionStorage survives a reload, not a new tab): sent as `?key=`,
 * it lets a reloaded page take its nickname back from its own dropped session.
 */

const STORAGE_KEY = 'ws-chat-tab-key';

/** This tab's key (made on first use). */
export function tabKey(): string {
  let key: string | null = null;
  try {
    key = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // storage disabled: a key for this page's life only
  }
  if (key === null || !/^[0-9a-f]{32}$/.test(key)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    key = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    try {
      sessionStorage.setItem(STORAGE_KEY, key);
    } catch {
      // as above
    }
  }
  return key;
}
