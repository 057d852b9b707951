/**
 * @module sample-app/chat/chat-types
 * What travels on the wire between the chat server and its page (shared by both sides).
 */

/** The WebSocket path of the chat. */
export const CHAT_PATH = '/chat';

/** Channels every user sees in the list; any other valid name can be created by joining it. */
export const DEFAULT_CHANNELS: readonly string[] = ['general', 'random', 'help'];

/** Most channels the chat holds (the defaults included); creating one more is refused with `CHANNEL_LIMIT`. */
export const MAX_CHANNELS = 100;

/** How many past messages a channel sends to whoever joins it. */
export const HISTORY_SIZE = 50;

/** How long a dropped page may come back as itself (same id, channel, missed messages), in ms. */
export const RECOVERY_WINDOW_MS = 120_000;

/** Pushes each room log keeps (`rooms.history` reads them); a page that missed more starts afresh. */
export const RECOVERY_MAX_PER_ROOM = 1_000;

/** Someone connected: their client id and nickname. */
export interface Member {
  id: string;
  name: string;
}

/** One message posted to a channel. */
export interface ChatMessage {
  id: string;
  channel: string;
  from: Member;
  text: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** A private message between two clients. */
export interface DirectMessage {
  id: string;
  from: Member;
  to: Member;
  text: string;
  at: number;
}

/** Sent after every handshake (`welcome`), a resumed one included. */
export interface Welcome {
  you: Member;
  /** Every channel of the chat, the ones others created included. */
  channels: readonly string[];
}

/** Reply to `join`: the channel's recent history (who is in it comes as `presence-state`). */
export interface JoinReply {
  channel: string;
  history: ChatMessage[];
}

/** What `PresenceService` keeps about each member of a channel (its `meta`). */
export interface MemberMeta {
  name: string;
  /** Writing right now (`user-typing` updates it). */
  typing: boolean;
}

/** Pushed to everyone when someone creates a channel (`channel-created`). */
export interface ChannelCreated {
  channel: string;
  by: Member;
}
