/**
 * @module redis/inbox-reader
 * Reads one node's inbox stream with `XREAD BLOCK` on the driver's blocking connection, hands each
 * entry to a handler in order, and trims what it has read. Survives reconnects: it waits for the
 * connection and resumes after the last id it saw (ids are Redis time, so a restarted Redis that
 * lost the stream hands out larger ones).
 */
import { delay, type RedisDriver } from './redis-driver';

/** One stream entry's fields. */
export type EntryFields = Record<string, string>;

/** The loop reading one inbox. */
export class InboxReader {
  private lastId = '0-0';
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly driver: RedisDriver,
    private readonly key: string,
    private readonly handle: (fields: EntryFields) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly blockMs = 1000,
  ) {}

  /** Starts reading. */
  start(): void {
    this.done = this.run().catch((error: unknown) => this.onError(error));
  }

  /** Stops after the current read (close the driver to cut a blocked read short). */
  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.driver.blockingReady) {
        await this.driver.waitReady(this.blockMs, true);
        continue;
      }
      let reply: unknown;
      try {
        reply = await this.driver.blocking([
          'XREAD',
          'COUNT',
          '256',
          'BLOCK',
          String(this.blockMs),
          'STREAMS',
          this.key,
          this.lastId,
        ]);
      } catch (error) {
        if (this.stopped) return;
        this.onError(error);
        await delay(100);
        continue;
      }
      const entries = parseXRead(reply);
      for (const [id, fields] of entries) {
        this.lastId = id;
        await this.handle(fields);
      }
      if (entries.length > 0) {
        // Read entries are never needed again; trimming keeps the inbox small.
        this.driver.command(['XTRIM', this.key, 'MINID', this.lastId]).catch(() => {});
      }
    }
  }
}

/** Turns an XREAD reply (RESP2 arrays, or RESP3 maps) into `[id, fields]` pairs. */
export function parseXRead(reply: unknown): Array<[string, EntryFields]> {
  if (reply === null || reply === undefined) return [];
  const streams: unknown[] = Array.isArray(reply)
    ? reply.map((stream) => (Array.isArray(stream) ? stream[1] : undefined))
    : reply instanceof Map
      ? [...reply.values()]
      : Object.values(reply as object);
  const out: Array<[string, EntryFields]> = [];
  for (const entries of streams) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!Array.isArray(entry)) continue;
      const [id, list] = entry as [unknown, unknown];
      const fields: EntryFields = {};
      if (Array.isArray(list))
        for (let i = 0; i + 1 < list.length; i += 2) fields[String(list[i])] = String(list[i + 1]);
      else if (list && typeof list === 'object')
        for (const [k, v] of Object.entries(list)) fields[k] = String(v);
      out.push([String(id), fields]);
    }
  }
  return out;
}
