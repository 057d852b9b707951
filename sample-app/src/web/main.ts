/**
 * @module sample-app/web/main
 * The page's entry: ask for a nickname (or take `?name=` from the page's URL), check it, connect.
 */
import { connect } from 'ws-controllers/client';
import { CHAT_PATH } from '../chat/chat-types';
import type { ChatEvents, ChatPushes } from './chat-api';
import { ChatPage } from './chat-page';
import { byId } from './dom';
import { tabKey } from './tab-key';
import { toast } from './toasts';

// Browsers never show a refused handshake's status, so the server answers the same question over HTTP.
async function nicknameRefusal(name: string): Promise<string | undefined> {
  try {
    const response = await fetch(`/api/nickname?name=${encodeURIComponent(name)}`);
    if (response.ok) return undefined;
    const body = (await response.json()) as { message?: string };
    return body.message ?? `Nickname refused (${response.status})`;
  } catch {
    return undefined; // the server is down: let the client's reconnect deal with it
  }
}

async function enter(name: string): Promise<void> {
  const refusal = await nicknameRefusal(name);
  if (refusal) {
    toast(refusal);
    return;
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${CHAT_PATH}`;
  // The client resumes by itself after a drop (session recovery): same id, channel, missed messages.
  const client = connect<ChatEvents, ChatPushes>(url, { query: { name, key: tabKey() }, reconnect: { maxDelayMs: 5000 } });
  const page = new ChatPage(client);
  // Closing the tab ends the session at once (1000), so the name and presence go now, not after the
  // recovery window (a browser closes a leaving page's socket with 1001, which would be resumable).
  addEventListener('pagehide', () => void client.close(), { once: true });
  let opened = false;
  client.onStatus((status) => {
    if (status === 'open') opened = true;
    // Never got in: ask why (the name may have been taken meanwhile); give up on a refused name.
    if (!opened && status === 'reconnecting') {
      void nicknameRefusal(name).then((reason) => {
        if (!reason || opened) return;
        page.dispose();
        toast(reason);
        showLogin();
      });
    }
  });
  byId('login').hidden = true;
  byId('chat').hidden = false;
  byId<HTMLInputElement>('composer-text').focus();
}

function showLogin(): void {
  byId('chat').hidden = true;
  byId('login').hidden = false;
}

byId('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = byId<HTMLInputElement>('login-name').value.trim();
  if (name) void enter(name);
});

const fromUrl = new URLSearchParams(location.search).get('name');
if (fromUrl) void enter(fromUrl);
