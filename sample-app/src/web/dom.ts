/**
 * @module sample-app/web/dom
 * The page's elements and the few renderers that fill them (always `textContent`, never HTML).
 */
import type { ChatMessage, DirectMessage, Member } from '../chat/chat-types';

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

/** Appends a channel message or a direct message to the list and scrolls to it. */
export function appendMessage(list: HTMLElement, message: ChatMessage | DirectMessage, me: Member | undefined): void {
  const direct = !('channel' in message);
  const item = make('li', direct ? 'message direct' : 'message');
  item.dataset.id = message.id;
  const author = direct && message.from.id === me?.id ? `you → ${message.to.name}` : message.from.name;
  item.append(make('span', 'author', author), make('time', undefined, clock.format(message.at)), make('p', 'text', message.text));
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

/** Appends a grey line such as "Reconnected". */
export function appendNotice(list: HTMLElement, text: string): void {
  list.append(make('li', 'message system', text));
  list.scrollTop = list.scrollHeight;
}

/** Redraws the channel list; `pick` runs when one is clicked. */
export function renderChannels(list: HTMLElement, channels: readonly string[], active: string | undefined, pick: (channel: string) => void): void {
  list.replaceChildren(
    ...channels.map((channel) => {
      const item = make('li', channel === active ? 'active' : undefined);
      item.dataset.channel = channel;
      const button = make('button', undefined, channel);
      button.type = 'button';
      button.addEventListener('click', () => pick(channel));
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
