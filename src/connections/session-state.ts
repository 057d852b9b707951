/**
 * @module connections/session-state
 * A connection's part in session recovery: its token, the numbering of its direct pushes, and what it
 * holds back until its socket opens (the `session` frame and the replay go first, then live pushes
 * the replay did not already contain).
 */
import { compareIds } from '../protocol/offsets';

/** Where numbered direct pushes are logged (the recovery store, written behind). */
export interface DirectLog {
  /** Logs a numbered push; true (or a promise of it) once logged, false when it could not be. Never rejects. */
  appendDirect(clientId: string, id: string, data: string): boolean | Promise<boolean>;
}

/** A live push held until the socket opens, with the log and id it came from. */
interface Held {
  text: string;
  stream: string;
  id: string;
}

/** Recovery state of one connection (present only with `recovery` on). */
export class SessionState {
  /** Whether this connection resumed an earlier session. */
  resumed = false;
  /** The token the client resumes with (`<id>.<secret>`). */
  token = '';
  /** The secret half of the token. */
  secret = '';
  /** Id of the newest direct push numbered for this client. */
  lastDirect = '';
  /** False until the session is stored (or claimed): direct pushes wait unnumbered until then. */
  numbering = false;
  /** Set once the session record exists, so joins and leaves are recorded in it. */
  recorded = false;
  /** Frames sent first when the socket opens: the `session` frame, then the replay. */
  prelude: string[] = [];
  /** Per log, the newest id the replay contained: held pushes up to it are duplicates. */
  readonly replayed = new Map<string, string>();
  private held: Held[] | undefined = [];
  private unnumbered: string[] | undefined;

  constructor(readonly log: DirectLog) {}

  /** Whether pushes are still held (the socket is not open yet). */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Holds a live push until `release()`. */
  hold(text: string, stream: string, id: string): void {
    this.held?.push({ text, stream, id });
  }

  /** Keeps a direct push until numbering starts. */
  waitForNumber(text: string): void {
    (this.unnumbered ??= []).push(text);
  }

  /** Direct pushes that waited for numbering (once). */
  takeUnnumbered(): string[] {
    const waiting = this.unnumbered ?? [];
    this.unnumbered = undefined;
    return waiting;
  }

  /**
   * Whether a live push that arrives after the socket opened was in the replay already: a node's
   * pub/sub copy of a push can come in after the resume's log read returned (the two travel on
   * different Redis connections). A log's first live push past the replay ends its check.
   */
  alreadyReplayed(stream: string, id: string): boolean {
    const upTo = this.replayed.get(stream);
    if (upTo === undefined) return false;
    if (compareIds(id, upTo) <= 0) return true;
    this.replayed.delete(stream);
    return false;
  }

  /** The frames to write when the socket opens, in order; stops holding. */
  release(): string[] {
    const out = this.prelude;
    this.prelude = [];
    for (const item of this.held ?? []) {
      const upTo = this.replayed.get(item.stream);
      if (upTo !== undefined && compareIds(item.id, upTo) <= 0) continue;
      out.push(item.text);
    }
    this.held = undefined;
    return out;
  }
}
