/**
 * @module sample-app/web/dom
 * The page's elements and the few renderers that fill them (always `textContent`, never HTML).
 */
import type { Member } from '../chat/chat-types';
import type { Conversation, Entry } from './conversations';

/** The element with this id (the page is static: a missing one is a bug). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function entryElement(entry: Entry, me: Member | undefined): HTMLLIElement {
  if (entry.kind === 'notice') return make('li', 'message system', entry.text);
  const message = entry.message;
  const direct = !('channel' in message);
  const item = make('li', direct ? 'message direct' : 'message');
  item.dataset.id = message.id;
  // By name too: after a fresh session our id is a new one, our earlier messages are still ours.
  const author = direct && (message.from.id === me?.id || message.from.name === me?.name) ? 'you' : message.from.name;
  item.append(make('span', 'author', author), make('time', undefined, clock.format(message.at)), make('p', 'text', message.text));
  return item;
}

/** Appends one line to the list on screen and scrolls to it. */
export function appendEntry(list: HTMLElement, entry: Entry, me: Member | undefined): void {
  list.append(entryElement(entry, me));
  list.scrollTop = list.scrollHeight;
}

/** Draws a whole conversation (or nothing). */
export function renderConversation(list: HTMLElement, conversation: Conversation | undefined, me: Member | undefined): void {
  list.replaceChildren(...(conversation?.entries ?? []).map((entry) => entryElement(entry, me)));
  list.scrollTop = list.scrollHeight;
}

function badge(count: number): HTMLElement[] {
  return count > 0 ? [make('span', 'unread', String(count))] : [];
}

/** Redraws the channel list; `pick` runs when one is clicked. */
export function renderChannels(
  list: HTMLElement,
  channels: readonly string[],
  active: string | undefined,
  unread: (channel: string) => number,
  pick: (channel: string) => void,
): void {
  list.replaceChildren(
    ...channels.map((channel) => {
      const item = make('li', channel === active ? 'active' : undefined);
      item.dataset.channel = channel;
      const button = make('button', undefined, channel);
      button.type = 'button';
      button.append(...badge(unread(channel)));
      button.addEventListener('click', () => pick(channel));
      item.append(button);
      return item;
    }),
  );
}

/** Redraws the list of direct conversations; `pick` runs when one is clicked. */
export function renderDirects(list: HTMLElement, conversations: readonly Conversation[], active: string | undefined, pick: (peer: Member) => void): void {
  list.replaceChildren(
    ...conversations.map((conversation) => {
      const peer = conversation.peer as Member;
      const item = make('li', conversation.key === active ? 'active' : undefined);
      item.dataset.peer = peer.name;
      const button = make('button', undefined, peer.name);
      button.type = 'button';
      button.append(...badge(conversation.unread));
      button.addEventListener('click', () => pick(peer));
      item.append(button);
      return item;
    }),
  );
}

/** Redraws who is in the channel; clicking someone else runs `pick`. */
export function renderPresence(list: HTMLElement, members: readonly Member[], me: Member | undefined, pick: (member: Member) => void): void {
  list.replaceChildren(
    ...members.map((member) => {
      const mine = member.id === me?.id;
      const item = make('li', mine ? 'you' : undefined, mine ? `${member.name} (you)` : member.name);
      item.dataset.id = member.id;
      item.title = mine ? 'You' : `Send ${member.name} a direct message`;
      if (!mine) item.addEventListener('click', () => pick(member));
      return item;
    }),
  );
}
