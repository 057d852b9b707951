/**
 * @module sample-app/web/chat-page
 * The chat page's behaviour: conversations (the channel the user is in, and one per person they write
 * with), presence, typing, and coming back after a drop. With session recovery the server resumes the
 * page by itself (same id, same channel, the messages missed replayed); the page joins its channel
 * again only when it got a fresh session.
 */
import type { Client, ClientStatus, PresenceChange, PresenceMember } from 'ws-controllers/client';
import type { ChatMessage, DirectMessage, Member, MemberMeta, Welcome } from '../chat/chat-types';
import type { ChatEvents, ChatPushes } from './chat-api';
import { Conversations, type Conversation } from './conversations';
import { appendEntry, byId, renderChannels, renderConversation, renderDirects, renderPresence } from './dom';
import { Layout } from './layout';
import { ReconnectNotice } from './reconnect-notice';
import { describeError, toast, type ShownError } from './toasts';
import { TypingAnnouncer, TypingPeers, typingSentence } from './typing';

const channelKey = (channel: string): string => `#${channel}`;

/**
 * Presence entries as people: one per nickname (a page that came back as a new session while its
 * dropped one waits out the recovery window shows once, as its newest), sorted by name.
 */
function people(entries: ReadonlyArray<PresenceMember<MemberMeta>>): Member[] {
  const newest = new Map<string, PresenceMember<MemberMeta>>();
  for (const entry of entries) {
    const key = entry.meta.name.toLowerCase();
    const seen = newest.get(key);
    if (seen === undefined || seen.since < entry.since) newest.set(key, entry);
  }
  return [...newest.values()].map((entry) => ({ id: entry.clientId, name: entry.meta.name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The page, bound to one connected client. */
export class ChatPage {
  private me: Member | undefined;
  private channels: string[] = [];
  /** The channel the server has this client in. */
  private joined: string | undefined;
  /** The channel to be in after a fresh session (none after "Leave"). */
  private wanted: string | undefined;
  /** The conversation on screen (`#channel` or `@name`). */
  private view: string | undefined;
  private members: Member[] = [];
  private stopPresence: (() => void) | undefined;
  private typingNames: string[] = [];
  private firstWelcome = true;
  private everOpen = false;
  private lost = false;
  private readonly conversations = new Conversations();
  // Removes the page's DOM listeners when this client is given up.
  private readonly wiring = new AbortController();
  private readonly layout = new Layout(this.wiring.signal);
  private readonly list = byId('messages');
  private readonly input = byId<HTMLInputElement>('composer-text');
  private readonly reconnect = new ReconnectNotice((text) => {
    this.notice(text);
    toast(text, 'info');
  });
  private readonly typingPeers = new TypingPeers((names) => {
    this.typingNames = names;
    this.drawTyping();
  });
  private readonly announcer = new TypingAnnouncer((typing) => {
    if (this.joined) this.client.emit('user-typing', { channel: this.joined, typing });
  });

  constructor(private readonly client: Client<ChatEvents, ChatPushes>) {
    client.onSession(({ resumed }) => this.sessionStarted(resumed));
    client.on('welcome', (welcome) => this.welcomed(welcome));
    client.on('message', (message) => this.received(this.conversations.channel(message.channel), message));
    client.on('direct', (message) => this.received(this.directWith(message), message));
    client.on('channel-created', ({ channel }) => this.addChannel(channel));
    client.on('error', (error) => toast(describeError(error)));
    client.onStatus((status) => this.statusChanged(status));
    this.wireForms();
  }

  /** Stops using this client: removes the page's listeners and closes the connection. */
  dispose(): void {
    this.wiring.abort();
    this.typingPeers.clear();
    void this.client.close();
  }

  /** Enters a channel (leaving the one the user was in) and shows it, its history merged into what is on screen. */
  async join(channel: string, show = true): Promise<void> {
    if (channel === this.joined) return show ? this.open(channelKey(channel)) : undefined;
    await this.leaveJoined();
    try {
      const reply = await this.client.request('join', { channel });
      this.joined = reply.channel;
      this.wanted = reply.channel;
      this.addChannel(reply.channel);
      const conversation = this.conversations.channel(reply.channel);
      reply.history.forEach((message: ChatMessage) => conversation.add(message));
      this.watchPresence(reply.channel);
      if (show || this.view === conversation.key) this.open(conversation.key);
      else this.drawSidebar();
    } catch (error) {
      toast(describeError(error as ShownError));
      this.drawSidebar();
    }
  }

  /** Leaves the channel the user is in, if any. */
  async leaveJoined(): Promise<void> {
    const channel = this.joined;
    if (channel === undefined) return;
    this.announcer.stop();
    this.joined = undefined;
    this.typingPeers.clear();
    this.watchPresence(undefined);
    this.setComposer();
    this.drawSidebar();
    try {
      await this.client.request('leave', { channel });
    } catch (error) {
      toast(describeError(error as ShownError));
    }
  }

  /** Shows a direct conversation with someone. */
  openDirect(peer: Member): void {
    this.open(this.conversations.direct(peer).key);
  }

  // ---- what the server says -------------------------------------------------------------------

  /** Follows the members of a channel (the client SDK's view of `presence-state` and `presence-diff`). */
  private watchPresence(channel: string | undefined): void {
    this.stopPresence?.();
    this.stopPresence = undefined;
    this.members = [];
    if (channel !== undefined) {
      const view = this.client.presence<MemberMeta>(channel);
      this.members = people(view.members);
      this.stopPresence = view.onChange((change) => {
        this.members = people(change.members);
        this.drawPresence();
        this.typingChanged(change);
      });
    }
    this.drawPresence();
  }

  // Typing is presence meta: an update is a leave of the old entry and a join of the new one.
  private typingChanged(change: PresenceChange<MemberMeta>): void {
    const joined = new Set(change.joins.map((entry) => entry.clientId));
    for (const leave of change.leaves) {
      if (!joined.has(leave.clientId)) this.typingPeers.update({ id: leave.clientId, name: leave.meta.name }, false);
    }
    for (const join of change.joins) {
      if (join.clientId !== this.me?.id) this.typingPeers.update({ id: join.clientId, name: join.meta.name }, join.meta.typing);
    }
  }

  private sessionStarted(resumed: boolean): void {
    if (!this.lost) return;
    this.lost = false;
    if (resumed) this.reconnect.resumed();
    else this.notice('Reconnected as a new session: messages sent meanwhile cannot be replayed');
  }

  private welcomed(welcome: Welcome): void {
    this.me = welcome.you;
    byId('me-name').textContent = welcome.you.name;
    welcome.channels.forEach((channel) => this.addChannel(channel));
    this.reconnect.welcomed();
    // Resumed: the server put us back in our channel. A fresh session is in none: join again.
    if (this.client.session?.resumed === true) return;
    this.joined = undefined;
    const target = this.firstWelcome ? this.channels[0] : this.wanted;
    this.firstWelcome = false;
    if (target) void this.join(target, this.view === undefined || this.view === channelKey(target));
  }

  private received(conversation: Conversation, message: ChatMessage | DirectMessage): void {
    if (message.from.id !== this.me?.id) this.reconnect.message();
    this.add(conversation, message);
  }

  private directWith(message: DirectMessage): Conversation {
    return this.conversations.direct(message.from.id === this.me?.id ? message.to : message.from);
  }

  private add(conversation: Conversation, message: ChatMessage | DirectMessage): void {
    const added = conversation.add(message);
    if (added === 'duplicate') return;
    if (conversation.key !== this.view) {
      conversation.unread++;
      this.drawSidebar();
    } else if (added === 'appended') {
      appendEntry(this.list, conversation.entries.at(-1)!, this.me);
    } else {
      renderConversation(this.list, conversation, this.me);
    }
  }

  private addChannel(channel: string): void {
    if (this.channels.includes(channel)) return;
    this.channels.push(channel);
    this.drawSidebar();
  }

  /** A line of the page's own in the conversation on screen (or the channel's), kept across redraws. */
  private notice(text: string): void {
    const key = this.view ?? (this.joined ? channelKey(this.joined) : undefined);
    if (key === undefined) return;
    const conversation = key.startsWith('#') ? this.conversations.channel(key.slice(1)) : this.conversations.find(key);
    if (conversation === undefined) return;
    const entry = conversation.notice(text);
    if (conversation.key === this.view) appendEntry(this.list, entry, this.me);
  }

  private statusChanged(status: ClientStatus): void {
    const pill = byId('status');
    pill.dataset.status = status;
    pill.textContent = status;
    if (status === 'open') this.everOpen = true;
    if ((status === 'reconnecting' || status === 'closed') && this.everOpen && !this.lost) {
      this.lost = status === 'reconnecting';
      this.typingPeers.clear();
      this.notice(status === 'reconnecting' ? 'Connection lost, reconnecting…' : 'Disconnected');
    }
  }

  // ---- what the user does ---------------------------------------------------------------------

  private async send(): Promise<void> {
    const text = this.input.value;
    const conversation = this.view === undefined ? undefined : this.conversations.find(this.view);
    this.announcer.stop();
    try {
      if (conversation?.peer) {
        const message = await this.client.request('direct', { to: conversation.peer.id, text });
        this.add(conversation, message);
      } else if (this.joined && this.view === channelKey(this.joined)) {
        await this.client.request('message', { channel: this.joined, text });
      }
      this.input.value = '';
    } catch (error) {
      toast(describeError(error as ShownError));
    }
  }

  private wireForms(): void {
    const signal = this.wiring.signal;
    byId('composer').addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        void this.send();
      },
      { signal },
    );
    this.input.addEventListener(
      'input',
      () => {
        if (this.joined && this.view === channelKey(this.joined) && this.input.value.length > 0) this.announcer.keystroke();
      },
      { signal },
    );
    byId('leave').addEventListener(
      'click',
      () => {
        this.wanted = undefined;
        void this.leaveJoined().then(() => this.open(undefined));
      },
      { signal },
    );
    byId('new-channel').addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        const field = byId<HTMLInputElement>('new-channel-name');
        const channel = field.value.trim().toLowerCase();
        field.value = '';
        if (channel) void this.join(channel);
      },
      { signal },
    );
  }

  // ---- drawing --------------------------------------------------------------------------------

  private open(key: string | undefined): void {
    this.announcer.stop();
    this.view = key;
    const conversation = key === undefined ? undefined : key.startsWith('#') ? this.conversations.channel(key.slice(1)) : this.conversations.find(key);
    if (conversation) conversation.unread = 0;
    renderConversation(this.list, conversation, this.me);
    this.setComposer();
    this.drawTyping();
    this.drawSidebar();
    this.layout.close();
    this.input.focus();
  }

  private setComposer(): void {
    const peer = this.view === undefined ? undefined : this.conversations.find(this.view)?.peer;
    const inChannel = this.joined !== undefined && this.view === channelKey(this.joined);
    const on = peer !== undefined || inChannel;
    this.input.disabled = !on;
    byId<HTMLButtonElement>('send').disabled = !on;
    this.input.placeholder = peer ? `Message @${peer.name}` : inChannel ? `Message #${this.joined}` : 'Join a channel to write';
    byId('channel-title').textContent = peer ? `@ ${peer.name}` : inChannel ? `# ${this.joined}` : 'Pick a channel';
    byId('leave').hidden = !inChannel;
  }

  private drawTyping(): void {
    const shown = this.joined !== undefined && this.view === channelKey(this.joined);
    byId('typing').textContent = shown ? typingSentence(this.typingNames) : '';
  }

  private drawSidebar(): void {
    const unread = (channel: string): number => this.conversations.find(channelKey(channel))?.unread ?? 0;
    const active = this.joined !== undefined && this.view === channelKey(this.joined) ? this.joined : undefined;
    renderChannels(byId('channels'), this.channels, active, unread, (channel) => void this.join(channel));
    renderDirects(byId('directs'), this.conversations.directs(), this.view, (peer) => this.openDirect(peer));
    const total = this.conversations.directs().reduce((sum, conversation) => sum + conversation.unread, 0);
    byId('open-channels').dataset.unread = total > 0 ? String(total) : '';
  }

  private drawPresence(): void {
    // Someone we write with may be back under a new id: write to the new one.
    for (const member of this.members) {
      if (this.conversations.find(`@${member.name.toLowerCase()}`) !== undefined) this.conversations.direct(member);
    }
    renderPresence(byId('presence'), this.members, this.me, (member) => this.openDirect(member));
    const count = this.members.length > 0 ? String(this.members.length) : '';
    byId('presence-count').textContent = count;
    byId('open-people').textContent = count ? `Online ${count}` : 'Online';
  }
}
