/**
 * @module observability/duration-buckets
 * A histogram as plain numbers: observing costs a short scan and two additions, no allocation.
 * Exported to Prometheus only when scraped.
 */

/** Counts of observations per upper bound, plus their sum. */
export class DurationBuckets {
  /** Non-cumulative counts; the last slot is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value (seconds). */
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts per bound, `+Inf` last (as Prometheus reports them). */
  cumulative(): number[] {
    const out = new Array<number>(this.counts.length);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      total += this.counts[i]!;
      out[i] = total;
    }
    return out;
  }
}
