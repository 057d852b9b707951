/**
 * @module sample-app/storage/channel-directory
 * Which channels exist: the defaults and every channel someone created. The framework cannot tell
 * (a room exists only while it has members, its log only while it is written to), so the app keeps
 * this list itself: the injectable token and the in-memory default.
 */
import { DEFAULT_CHANNELS, MAX_CHANNELS } from '../chat/chat-types';

/** What adding a channel did. */
export type AddResult = 'added' | 'exists' | 'full';

/** Every channel of the chat, shared by all users (inject it by this class). */
export abstract class ChannelDirectory {
  /** Adds a channel: `added` the first time (announce it), `exists` after, `full` past `MAX_CHANNELS`. */
  abstract add(channel: string): Promise<AddResult>;
  /** Every channel, the defaults first, then in the order they were created. */
  abstract list(): Promise<string[]>;
  /** Frees connections or timers. */
  abstract close(): Promise<void>;
}

/** Channels in this process's memory (one node only). */
export class InMemoryChannelDirectory extends ChannelDirectory {
  private readonly channels = new Set<string>(DEFAULT_CHANNELS);

  constructor(private readonly max: number = MAX_CHANNELS) {
    super();
  }

  async add(channel: string): Promise<AddResult> {
    if (this.channels.has(channel)) return 'exists';
    if (this.channels.size >= this.max) return 'full';
    this.channels.add(channel);
    return 'added';
  }

  async list(): Promise<string[]> {
    return [...this.channels];
  }

  async close(): Promise<void> {}
}
