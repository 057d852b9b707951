/**
 * @module sample-app/web/layout
 * The narrow-screen layout: on a phone the channel list and the Online panel are drawers opened from
 * the room's header, so presence and direct messages stay one tap away.
 */
import { byId } from './dom';

/** Which drawer is open, if any. */
export type Drawer = 'channels' | 'people' | undefined;

/** Opens and closes the drawers. */
export class Layout {
  private readonly chat = byId('chat');

  constructor(signal: AbortSignal) {
    byId('open-channels').addEventListener('click', () => this.toggle('channels'), { signal });
    byId('open-people').addEventListener('click', () => this.toggle('people'), { signal });
    byId('backdrop').addEventListener('click', () => this.close(), { signal });
    document.addEventListener('keydown', (event) => event.key === 'Escape' && this.close(), { signal });
  }

  /** Opens one drawer (closing the other), or closes it when it is open. */
  toggle(drawer: Exclude<Drawer, undefined>): void {
    this.set(this.chat.dataset.drawer === drawer ? undefined : drawer);
  }

  /** Closes whichever drawer is open (after a pick: the room is what the user wants to see). */
  close(): void {
    this.set(undefined);
  }

  private set(drawer: Drawer): void {
    if (drawer === undefined) delete this.chat.dataset.drawer;
    else this.chat.dataset.drawer = drawer;
    byId('backdrop').hidden = drawer === undefined;
    byId('open-channels').setAttribute('aria-expanded', String(drawer === 'channels'));
    byId('open-people').setAttribute('aria-expanded', String(drawer === 'people'));
  }
}
