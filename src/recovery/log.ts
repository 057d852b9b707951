/**
 * @module recovery/log
 * One bounded log of pushes in memory (a room's, the broadcasts', or one client's direct sends): the
 * single-node store's counterpart of a Redis stream trimmed by MAXLEN.
 */
import { compareIds, nextId } from '../protocol/offsets';
import type { LoggedPush, LogRead } from './store';

/** A log keeping its newest `max` pushes, with the id of the newest one it dropped (to detect gaps). */
export class PushLog {
  private entries: LoggedPush[] = [];
  /** Index of the oldest retained entry (entries before it are dropped; compacted now and then). */
  private start = 0;
  /** Id of the newest push (`''` while empty). */
  last = '';
  /** Id of the newest dropped push (`''` when none was). */
  dropped = '';
  /** When a push was last added (ms). */
  touched = 0;

  constructor(private readonly max: number) {}

  /** Number of retained pushes. */
  get size(): number {
    return this.entries.length - this.start;
  }

  /** Appends a push under the next id (after `floor` too, when given: ids shared by several logs); returns the id. */
  append(push: Omit<LoggedPush, 'id'>, floor = ''): string {
    const id = nextId(compareIds(floor, this.last) > 0 ? floor : this.last, push.at);
    this.put({ ...push, id });
    return id;
  }

  /** Appends a push under an id chosen by the caller; false (and nothing kept) when it is not after the last. */
  appendAt(push: LoggedPush): boolean {
    if (compareIds(push.id, this.last) <= 0) return false;
    this.put(push);
    return true;
  }

  private put(push: LoggedPush): void {
    this.entries.push(push);
    this.last = push.id;
    this.touched = push.at;
    if (this.size > this.max) {
      this.dropped = (this.entries[this.start] as LoggedPush).id;
      this.entries[this.start] = undefined as unknown as LoggedPush; // let it be collected now
      this.start++;
      // Compact once the dead head is as long as the live part: amortised O(1) per push.
      if (this.start >= this.max) {
        this.entries = this.entries.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** The pushes after `id` (`''`: all), or `gap` when one of them was dropped or there are more than `max`. */
  after(id: string, max: number): LogRead {
    if (this.dropped !== '' && compareIds(this.dropped, id) > 0) return 'gap';
    let low = this.start;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareIds((this.entries[mid] as LoggedPush).id, id) <= 0) low = mid + 1;
      else high = mid;
    }
    if (this.entries.length - low > max) return 'gap';
    return this.entries.slice(low);
  }

  /** The newest `limit` pushes, newest last. */
  tail(limit: number): LoggedPush[] {
    return this.entries.slice(Math.max(this.start, this.entries.length - limit));
  }
}
