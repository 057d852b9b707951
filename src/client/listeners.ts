/**
 * @module client/listeners
 * Event listeners by name, with `once`, and isolation: a throwing listener does not stop the others
 * nor break the socket (its error is rethrown asynchronously, where the runtime reports it).
 */

/** A listener of one event. */
export type Listener = (payload: never) => void;

interface Entry {
  fn: Listener;
  once: boolean;
}

/** Listeners keyed by event name. */
export class Listeners {
  private readonly byEvent = new Map<string, Entry[]>();

  /** Adds a listener; returns a function that removes it. */
  add(event: string, fn: Listener, once: boolean): () => void {
    const entries = this.byEvent.get(event) ?? [];
    entries.push({ fn, once });
    this.byEvent.set(event, entries);
    return () => this.remove(event, fn);
  }

  /** Removes one listener, or every listener of the event when `fn` is omitted. */
  remove(event: string, fn?: Listener): void {
    const entries = this.byEvent.get(event);
    if (!entries) return;
    const kept = fn === undefined ? [] : entries.filter((e) => e.fn !== fn);
    if (kept.length === 0) this.byEvent.delete(event);
    else this.byEvent.set(event, kept);
  }

  /** Calls the listeners of an event; returns whether there were any. */
  dispatch(event: string, payload: unknown): boolean {
    const entries = this.byEvent.get(event);
    if (!entries) return false;
    for (const entry of [...entries]) {
      if (entry.once) this.remove(event, entry.fn);
      try {
        (entry.fn as (payload: unknown) => void)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }
}
