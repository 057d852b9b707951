/**
 * @module sample-app/storage/name-registry
 * Who holds which nickname: the injectable token and the in-memory default.
 */

/** A nickname's current holder, since when (ms since the epoch), and the digest of its tab's key. */
export interface NameClaim {
  holder: string;
  since: number;
  key?: string | undefined;
}

/** Nicknames are unique among connected clients (inject it by this class). */
export abstract class NameRegistry {
  /** Gives `name` to client `id` (of the tab with this key digest); when someone else holds it, returns their claim instead. */
  abstract claim(name: string, id: string, key?: string): Promise<NameClaim | undefined>;
  /** Gives `name` to `id` only if `previous` still holds it (to recover a name whose holder vanished). */
  abstract replace(name: string, previous: string, id: string, key?: string): Promise<boolean>;
  /** The client id holding `name`, if any. */
  abstract holderOf(name: string): Promise<string | undefined>;
  /** Frees the name `id` holds, if any. */
  abstract release(id: string): Promise<void>;
  /** The nicknames of these client ids (unknown ids are left out). */
  abstract namesOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** Frees connections or timers. */
  abstract close(): Promise<void>;
}

/** Nicknames in this process's memory (one node only). */
export class InMemoryNameRegistry extends NameRegistry {
  private readonly byName = new Map<string, NameClaim>();
  private readonly byId = new Map<string, string>();

  async claim(name: string, id: string, tabKey?: string): Promise<NameClaim | undefined> {
    const key = name.toLowerCase();
    const current = this.byName.get(key);
    if (current && current.holder !== id) return { ...current };
    this.byName.set(key, { holder: id, since: Date.now(), key: tabKey });
    this.byId.set(id, name);
    return undefined;
  }

  async replace(name: string, previous: string, id: string, tabKey?: string): Promise<boolean> {
    const key = name.toLowerCase();
    if (this.byName.get(key)?.holder !== previous) return false;
    this.byId.delete(previous);
    this.byName.set(key, { holder: id, since: Date.now(), key: tabKey });
    this.byId.set(id, name);
    return true;
  }

  async holderOf(name: string): Promise<string | undefined> {
    return this.byName.get(name.toLowerCase())?.holder;
  }

  async release(id: string): Promise<void> {
    const name = this.byId.get(id);
    if (name === undefined) return;
    this.byId.delete(id);
    const key = name.toLowerCase();
    if (this.byName.get(key)?.holder === id) this.byName.delete(key);
  }

  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of ids) {
      const name = this.byId.get(id);
      if (name !== undefined) names.set(id, name);
    }
    return names;
  }

  async close(): Promise<void> {}
}
