/**
 * The chat with session recovery over real sockets: a dropped page comes back as the same client in
 * the same channel with what it missed, without joining again; its nickname waits for it meanwhile,
 * and only its own tab (same ?key=) may take it back with a fresh session.
 */
import { drop, offsetsOf, open, resumeUrl } from '../../test/recovery/support';
import { connect, urlOf, type TestSocket } from '../../test/support/ws-test-client';
import type { ChatMessage, Welcome } from '../src/chat/chat-types';
import { startChatServer, type ChatServer } from '../src/server';

let chat: ChatServer;
const sockets: TestSocket[] = [];

beforeEach(async () => {
  chat = await startChatServer({ port: 0, host: '127.0.0.1', staticDirs: [], logger: false });
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => undefined)));
  await chat.close();
});

const KEY = 'a'.repeat(32);

async function enter(name: string, key = KEY) {
  const opened = await open(urlOf(chat.port, `/chat?name=${name}&key=${key}`));
  sockets.push(opened.socket);
  await opened.socket.next('welcome');
  await opened.socket.request('join', { channel: 'general' });
  return opened;
}

test('a dropped client resumes as itself, still in its channel, with the messages and direct messages it missed in order', async () => {
  const ana = await enter('ana');
  const bo = await enter('bo', 'b'.repeat(32));
  await drop(ana.socket);
  for (const text of ['one', 'two']) await bo.socket.request('message', { channel: 'general', text });
  // A direct message to a dropped session within its window is held for it (the reply says it was sent).
  expect((await bo.socket.request('direct', { to: ana.session.id, text: 'psst' })).payload).toMatchObject({ text: 'psst' });
  await bo.socket.request('message', { channel: 'general', text: 'three' });

  const again = await open(resumeUrl(chat.port, '/chat', ana.session.token, offsetsOf(ana.socket.received), `name=ana&key=${KEY}&`));
  sockets.push(again.socket);
  expect(again.session).toMatchObject({ id: ana.session.id, resumed: true });
  const welcome = (await again.socket.next('welcome')).payload as Welcome;
  expect(welcome.you).toEqual({ id: ana.session.id, name: 'ana' });
  // The replay came before the welcome (the connect hook's push is queued behind it).
  const before = again.socket.received.slice(0, again.socket.received.findIndex((m) => m.event === 'welcome'));
  const missed = before.filter((m) => m.event === 'message' || m.event === 'direct');
  expect(missed.map((m) => `${m.event}:${(m.payload as ChatMessage).text}`)).toEqual(['message:one', 'message:two', 'direct:psst', 'message:three']);
  // Still a member: it can write without joining, and the others get it.
  await again.socket.request('message', { channel: 'general', text: 'back' });
  await bo.socket.waitFor((m) => m.event === 'message' && (m.payload as ChatMessage).text === 'back', 5000, 'back');
});

test('a resumed client keeps its presence: the others see neither a leave nor a join, and it gets the list afresh', async () => {
  const ana = await enter('ana');
  const bo = await enter('bo', 'b'.repeat(32));
  await bo.socket.waitFor((m) => m.event === 'presence-diff', 3000, 'the diff of the joins'); // batched: bo's own join with it
  const seen = bo.socket.received.length;
  await drop(ana.socket);
  const again = await open(resumeUrl(chat.port, '/chat', ana.session.token, offsetsOf(ana.socket.received), `name=ana&key=${KEY}&`));
  sockets.push(again.socket);
  const state = await again.socket.next('presence-state');
  expect(state.payload).toMatchObject({ room: 'general', members: expect.arrayContaining([expect.objectContaining({ clientId: bo.session.id })]) });
  // A later change (bo starts typing) comes as a diff: nothing about ana came before it.
  bo.socket.send({ event: 'user-typing', payload: { channel: 'general', typing: true } });
  const typing = (m: { event?: string; payload?: unknown }) =>
    m.event === 'presence-diff' && JSON.stringify(m.payload).includes('"typing":true');
  await bo.socket.waitFor(typing, 3000, 'the typing diff');
  const diffs = bo.socket.received.slice(seen).filter((m) => m.event === 'presence-diff');
  expect(JSON.stringify(diffs)).not.toContain(ana.session.id);
  await again.socket.waitFor(typing, 3000, 'the typing diff on the resumed socket');
});

test('a dropped client keeps its nickname for the window; only its own tab takes it back, as a new session', async () => {
  const ana = await enter('ana');
  await drop(ana.socket);
  await expect(connect(urlOf(chat.port, `/chat?name=ana&key=${'c'.repeat(32)}`))).rejects.toMatchObject({ status: 409 });
  await expect(connect(urlOf(chat.port, '/chat?name=ana'))).rejects.toMatchObject({ status: 409 });

  const reloaded = await open(urlOf(chat.port, `/chat?name=ana&key=${KEY}`)); // a reload: no resume token
  sockets.push(reloaded.socket);
  expect(reloaded.session.resumed).toBe(false);
  expect(reloaded.session.id).not.toBe(ana.session.id);
  await reloaded.socket.request('join', { channel: 'general' });
  // Presence shows both entries of "ana" until the dropped session's window ends; the page shows the newest.
  const state = await reloaded.socket.waitFor((m) => m.event === 'presence-state', 3000, 'presence-state');
  expect((state.payload as { members: Array<{ clientId: string }> }).members.map((m) => m.clientId)).toContain(reloaded.session.id);
});

test('a client that closes for good (1000) frees its nickname at once', async () => {
  const ana = await enter('ana');
  await ana.socket.close(1000);
  const next = await open(urlOf(chat.port, `/chat?name=ana&key=${'d'.repeat(32)}`));
  sockets.push(next.socket);
  expect(next.session.resumed).toBe(false);
});
