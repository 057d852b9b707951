/**
 * @module sample-app/web/typing
 * Both halves of the typing indicator: announcing our own typing (start once, stop after a pause)
 * and tracking who else types.
 */
import type { Member } from '../chat/chat-types';

/** How long after the last keystroke we announce that we stopped. */
const IDLE_MS = 2000;
/** A peer whose "stopped" never arrived (they left, the network dropped) is forgotten after this. */
const FORGET_MS = 6000;

/** Announces start and stop of typing through `send`. */
export class TypingAnnouncer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (typing: boolean) => void) {}

  /** A keystroke. */
  keystroke(): void {
    if (this.timer === undefined) this.send(true);
    else clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(), IDLE_MS);
  }

  /** Sent, left or cleared: stop now if we were typing. */
  stop(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.send(false);
  }
}

/** Who is typing right now; calls `changed` with the names whenever that changes. */
export class TypingPeers {
  private readonly peers = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly changed: (names: string[]) => void) {}

  /** A `user-typing` push. */
  update(user: Member, typing: boolean): void {
    const current = this.peers.get(user.id);
    if (current) clearTimeout(current.timer);
    if (typing) this.peers.set(user.id, { name: user.name, timer: setTimeout(() => this.update(user, false), FORGET_MS) });
    else this.peers.delete(user.id);
    if (typing || current) this.changed([...this.peers.values()].map((peer) => peer.name));
  }

  /** Forgets everyone (on leaving a channel). */
  clear(): void {
    for (const peer of this.peers.values()) clearTimeout(peer.timer);
    this.peers.clear();
    this.changed([]);
  }
}

/** "alice is typing…", "alice and bob are typing…", "several people are typing…". */
export function typingSentence(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
