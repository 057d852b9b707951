/**
 * @module sample-app/web/conversations
 * What the page has seen, per conversation: a channel (`#general`) or a direct conversation with one
 * person (`@bob`). Kept across reconnects, so a restart or a network drop never wipes the screen.
 */
import type { ChatMessage, DirectMessage, Member } from '../chat/chat-types';

/** One line of a conversation: a message, or a notice of the page itself ("Connection lost…"). */
export type Entry =
  | { kind: 'message'; at: number; message: ChatMessage | DirectMessage }
  | { kind: 'notice'; at: number; text: string };

/** Where `add` put a message. */
export type Added = 'appended' | 'inserted' | 'duplicate';

/** The lines of one conversation, each message once (by id), in time order. */
export class Conversation {
  readonly entries: Entry[] = [];
  /** Messages that arrived while another conversation was on screen. */
  unread = 0;
  private readonly ids = new Set<string>();

  constructor(
    /** `#<channel>` or `@<lower-case nickname>`. */
    readonly key: string,
    /** The other person, for a direct conversation (their id changes when they come back as a new session). */
    public peer?: Member,
  ) {}

  /** Adds a message unless it is there already (history after a reconnect repeats what is on screen). */
  add(message: ChatMessage | DirectMessage): Added {
    if (this.ids.has(message.id)) return 'duplicate';
    this.ids.add(message.id);
    const entry: Entry = { kind: 'message', at: message.at, message };
    const last = this.entries.at(-1);
    if (last === undefined || last.at <= message.at) {
      this.entries.push(entry);
      return 'appended';
    }
    // Older than what is on screen: a history line from before the page arrived.
    const index = this.entries.findIndex((existing) => existing.at > message.at);
    this.entries.splice(index, 0, entry);
    return 'inserted';
  }

  /** Adds a notice at the end. */
  notice(text: string): Entry {
    const entry: Entry = { kind: 'notice', at: Date.now(), text };
    this.entries.push(entry);
    return entry;
  }
}

/** Every conversation of the page. */
export class Conversations {
  private readonly all = new Map<string, Conversation>();

  /** The conversation of a channel (made on first use). */
  channel(name: string): Conversation {
    return this.get(`#${name}`);
  }

  /** The direct conversation with someone, by nickname (made on first use; remembers their latest id). */
  direct(peer: Member): Conversation {
    const conversation = this.get(`@${peer.name.toLowerCase()}`);
    conversation.peer = peer;
    return conversation;
  }

  /** A conversation by key, if the page has one. */
  find(key: string): Conversation | undefined {
    return this.all.get(key);
  }

  /** Direct conversations, in the order they started. */
  directs(): Conversation[] {
    return [...this.all.values()].filter((conversation) => conversation.peer !== undefined);
  }

  private get(key: string): Conversation {
    let conversation = this.all.get(key);
    if (conversation === undefined) {
      conversation = new Conversation(key);
      this.all.set(key, conversation);
    }
    return conversation;
  }
}
