/**
 * @module sample-app/web/reconnect-notice
 * "Reconnected — 3 new messages": after a resume the server replays what the page missed, then
 * sends `welcome` (the connect hook runs again after the replay is queued), so the messages between
 * the `session` frame and that `welcome` are the ones missed.
 */

/** How long to wait for the `welcome` that ends a replay before reporting anyway. */
const REPLAY_WAIT_MS = 3000;

/** Counts the messages a resume brought and reports them once. */
export class ReconnectNotice {
  private counting = false;
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly report: (text: string) => void) {}

  /** The session resumed: count from here. */
  resumed(): void {
    this.finish();
    this.counting = true;
    this.count = 0;
    this.timer = setTimeout(() => this.finish(), REPLAY_WAIT_MS);
  }

  /** A channel or direct message arrived (someone else's). */
  message(): void {
    if (this.counting) this.count++;
  }

  /** The `welcome` after the replay: report. */
  welcomed(): void {
    this.finish();
  }

  private finish(): void {
    if (!this.counting) return;
    this.counting = false;
    clearTimeout(this.timer);
    this.report(reconnectedSentence(this.count));
  }
}

/** "Reconnected — no new messages", "… — 1 new message", "… — 3 new messages". */
export function reconnectedSentence(count: number): string {
  if (count === 0) return 'Reconnected — no new messages';
  return `Reconnected — ${count} new message${count === 1 ? '' : 's'}`;
}
