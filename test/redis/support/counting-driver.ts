/** A `RedisDriver` around the real one that counts commands (round trips) and can be cut off like a dead node. */
import type { RedisDriver, RedisReply } from 'ws-controllers/redis';

export class CountingDriver implements RedisDriver {
  /** Plain commands sent so far (the blocking inbox reads are not counted). */
  commands = 0;
  /** The commands themselves (name and first key), newest last. */
  readonly log: string[] = [];
  private cutOff = false;

  constructor(private readonly inner: RedisDriver) {}

  /** From now on nothing reaches Redis (the process is as good as dead to the cluster). */
  cut(): void {
    this.cutOff = true;
  }

  get ready(): boolean {
    return !this.cutOff && this.inner.ready;
  }

  get blockingReady(): boolean {
    return !this.cutOff && this.inner.blockingReady;
  }

  connect(timeoutMs: number): Promise<void> {
    return this.inner.connect(timeoutMs);
  }

  command(args: readonly string[]): Promise<RedisReply> {
    if (this.cutOff) return Promise.reject(new Error('cut off'));
    this.commands++;
    this.log.push(args.slice(0, 2).join(' '));
    if (this.log.length > 1000) this.log.shift();
    const held = this.holds.find((h) => h.match(args));
    if (held !== undefined) {
      held.seen++;
      return new Promise<void>((resolve) => held.waiting.push(resolve)).then(() => this.inner.command(args));
    }
    return this.inner.command(args);
  }

  private readonly holds: Array<{ match: (args: readonly string[]) => boolean; waiting: Array<() => void>; seen: number }> = [];

  /**
   * Holds back the commands `match` picks (a slow Redis for them alone) until `release` is called;
   * `seen` counts those held so far.
   */
  hold(match: (args: readonly string[]) => boolean): { release: () => void; readonly seen: number } {
    const entry = { match, waiting: [] as Array<() => void>, seen: 0 };
    this.holds.push(entry);
    return {
      release: () => {
        this.holds.splice(this.holds.indexOf(entry), 1);
        for (const resume of entry.waiting) resume();
      },
      get seen() {
        return entry.seen;
      },
    };
  }

  blocking(args: readonly string[]): Promise<RedisReply> {
    if (this.cutOff) return new Promise(() => {});
    return this.inner.blocking(args);
  }

  subscribe(
    channels: readonly string[],
    listener: (message: string, channel: string) => void,
  ): Promise<void> {
    return this.inner.subscribe(channels, (message, channel) => {
      if (!this.cutOff) listener(message, channel);
    });
  }

  onReady(listener: () => void): void {
    this.inner.onReady(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.inner.onError(listener);
  }

  waitReady(timeoutMs: number, blocking?: boolean): Promise<boolean> {
    return this.inner.waitReady(timeoutMs, blocking);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
