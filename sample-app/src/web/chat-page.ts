/**
 * @module sample-app/web/chat-page
 * The chat page's behaviour: one active channel at a time, its history and presence, typing,
 * direct messages, and re-joining after a reconnect.
 */
import type { Client, ClientStatus } from 'ws-controllers/client';
import type { ChatMessage, Member } from '../chat/chat-types';
import type { ChatEvents, ChatPushes } from './chat-api';
import { appendMessage, appendNotice, byId, renderChannels, renderPresence } from './dom';
import { describeError, toast, type ShownError } from './toasts';
import { TypingAnnouncer, TypingPeers, typingSentence } from './typing';

/** The page, bound to one connected client. */
export class ChatPage {
  private me: Member | undefined;
  private channels: string[] = [];
  private active: string | undefined;
  private dmTarget: Member | undefined;
  private everOpen = false;
  private welcomed = false;
  // Removes the page's DOM listeners when this client is given up.
  private readonly wiring = new AbortController();
  private readonly messages = byId('messages');
  private readonly input = byId<HTMLInputElement>('composer-text');
  private readonly typingPeers = new TypingPeers((names) => (byId('typing').textContent = typingSentence(names)));
  private readonly announcer = new TypingAnnouncer((typing) => {
    if (this.active) this.client.emit('user-typing', { channel: this.active, typing });
  });

  constructor(private readonly client: Client<ChatEvents, ChatPushes>) {
    client.on('welcome', (welcome) => {
      this.me = welcome.you;
      this.channels = [...new Set([...welcome.channels, ...this.channels])];
      byId('me-name').textContent = welcome.you.name;
      // First visit: enter the first channel. After a reconnect the server knows nothing about us:
      // join the channel we were in again (none if we had left it).
      const rejoin = this.welcomed ? this.active : this.channels[0];
      this.welcomed = true;
      this.active = undefined;
      if (rejoin) void this.join(rejoin);
      else this.drawChannels();
    });
    client.on('message', (message) => {
      if (message.channel === this.active) appendMessage(this.messages, message, this.me);
    });
    client.on('direct', (message) => appendMessage(this.messages, message, this.me));
    client.on('presence', (update) => {
      if (update.channel === this.active) this.drawPresence(update.members);
    });
    client.on('user-typing', (update) => {
      if (update.channel === this.active) this.typingPeers.update(update.user, update.typing);
    });
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

  /** Switches to a channel: leaves the current one, joins, shows history and members. */
  async join(channel: string): Promise<void> {
    if (channel === this.active) return;
    await this.leaveActive();
    try {
      const reply = await this.client.request('join', { channel });
      this.active = reply.channel;
      if (!this.channels.includes(channel)) this.channels.push(channel);
      this.messages.replaceChildren();
      reply.history.forEach((message: ChatMessage) => appendMessage(this.messages, message, this.me));
      this.drawPresence(reply.members);
      this.setComposer(true);
    } catch (error) {
      toast(describeError(error as ShownError));
    }
    this.drawChannels();
  }

  /** Leaves the active channel, if any. */
  async leaveActive(): Promise<void> {
    const channel = this.active;
    if (channel === undefined) return;
    this.announcer.stop();
    this.active = undefined;
    this.typingPeers.clear();
    this.drawPresence([]);
    this.setComposer(false);
    this.drawChannels();
    try {
      await this.client.request('leave', { channel });
    } catch (error) {
      toast(describeError(error as ShownError));
    }
  }

  private async send(): Promise<void> {
    const text = this.input.value;
    this.announcer.stop();
    try {
      if (this.dmTarget) {
        const message = await this.client.request('direct', { to: this.dmTarget.id, text });
        if (message.to.id !== this.me?.id) appendMessage(this.messages, message, this.me);
      } else if (this.active) {
        await this.client.request('message', { channel: this.active, text });
      }
      this.input.value = '';
    } catch (error) {
      toast(describeError(error as ShownError));
    }
  }

  private statusChanged(status: ClientStatus): void {
    const pill = byId('status');
    pill.dataset.status = status;
    pill.textContent = status;
    if (status === 'open' && this.everOpen) appendNotice(this.messages, 'Reconnected');
    if (status === 'reconnecting' && this.everOpen) {
      this.typingPeers.clear();
      appendNotice(this.messages, 'Connection lost, reconnecting…');
    }
    if (status === 'open') this.everOpen = true;
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
        if (!this.dmTarget && this.input.value.length > 0) this.announcer.keystroke();
      },
      { signal },
    );
    byId('leave').addEventListener('click', () => void this.leaveActive(), { signal });
    byId('dm-target').addEventListener('click', () => this.setDmTarget(undefined), { signal });
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

  private setDmTarget(member: Member | undefined): void {
    this.announcer.stop();
    this.dmTarget = member;
    const chip = byId('dm-target');
    chip.hidden = member === undefined;
    chip.textContent = member ? `to @${member.name}` : '';
    this.setComposer(this.active !== undefined || member !== undefined);
    this.input.focus();
  }

  private setComposer(enabled: boolean): void {
    const on = enabled || this.dmTarget !== undefined;
    this.input.disabled = !on;
    byId<HTMLButtonElement>('send').disabled = !on;
    this.input.placeholder = this.dmTarget ? `Message @${this.dmTarget.name}` : this.active ? `Message #${this.active}` : 'Join a channel to write';
    byId('channel-title').textContent = this.active ? `# ${this.active}` : 'Pick a channel';
    byId('leave').hidden = this.active === undefined;
  }

  private drawChannels(): void {
    renderChannels(byId('channels'), this.channels, this.active, (channel) => void this.join(channel));
  }

  private drawPresence(members: readonly Member[]): void {
    renderPresence(byId('presence'), members, this.me, (member) => this.setDmTarget(member));
    byId('presence-count').textContent = members.length > 0 ? String(members.length) : '';
  }
}
