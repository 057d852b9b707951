/**
 * @module sample-app/storage/history-store
 * The recent messages of each channel: the injectable token and the in-memory default.
 */
import { HISTORY_SIZE, type ChatMessage } from '../chat/chat-types';

/** Keeps the last `HISTORY_SIZE` messages of every channel (inject it by this class). */
export abstract class HistoryStore {
  /** Records a message. */
  abstract append(message: ChatMessage): Promise<void>;
  /** The channel's most recent messages, oldest first. */
  abstract recent(channel: string): Promise<ChatMessage[]>;
  /** Frees connections or timers. */
  abstract close(): Promise<void>;
}

/** History in this process's memory: lost on restart, not shared between nodes. */
export class InMemoryHistoryStore extends HistoryStore {
  private readonly channels = new Map<string, ChatMessage[]>();

  constructor(private readonly size: number = HISTORY_SIZE) {
    super();
  }

  async append(message: ChatMessage): Promise<void> {
    const list = this.channels.get(message.channel) ?? [];
    list.push(message);
    if (list.length > this.size) list.splice(0, list.length - this.size);
    this.channels.set(message.channel, list);
  }

  async recent(channel: string): Promise<ChatMessage[]> {
    return [...(this.channels.get(channel) ?? [])];
  }

  async close(): Promise<void> {}
}
