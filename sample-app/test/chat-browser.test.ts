/**
 * The chat in a real headless Chromium: people in a channel type, write and leave; toasts stay clear of
 * the composer; direct messages have their own conversation; a new channel reaches everyone; a phone's
 * screen keeps presence and direct messages; and a page that loses its connection resumes with what it
 * missed ("Reconnected — 3 new messages"), after a server restart too (with Redis).
 * Needs Debian's `chromium` at /usr/bin/chromium (never downloads a browser); skips loudly without it,
 * unless CI=true, where its absence is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { redisInstalled, RedisServer } from '../../test/redis/support/redis-server';
import { startChatServer, type ChatServer, type ChatServerOptions } from '../src/server';
import { buildPage } from './support/build-page';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  const message = `\n\n  !!! ${CHROMIUM} is missing: the browser test of the sample chat is SKIPPED.\n  !!! Install it with: apt-get install -y chromium\n\n`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(message);
}

const browserTest = hasChromium ? test : test.skip;
const DESKTOP = { width: 1100, height: 640 };
const PHONE = { width: 375, height: 667 };

type RecordedServer = ChatServer & { sockets: Map<string, Socket> };

let pages: string[];
let server: RecordedServer;
let browser: Browser;
// Uncaught exceptions in any page fail the suite at the end.
const pageErrors: string[] = [];

/** Starts a chat server and records its WebSocket connections by nickname, to cut them like a lost network would. */
async function startServer(options: Partial<ChatServerOptions> = {}): Promise<RecordedServer> {
  const started = await startChatServer({ port: 0, host: '127.0.0.1', staticDirs: pages, logger: false, ...options });
  const sockets = new Map<string, Socket>();
  started.server.on('upgrade', (request: { url?: string }, socket: Socket) => {
    const name = new URL(request.url ?? '/', 'http://x').searchParams.get('name');
    if (name) sockets.set(name, socket);
  });
  return Object.assign(started, { sockets });
}

beforeAll(async () => {
  if (!hasChromium) return;
  pages = await buildPage();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 90_000);

// A server per test: no history, nickname or dropped session of one test shows in another.
beforeEach(async () => {
  if (hasChromium) server = await startServer();
});
afterEach(() => server?.close());

afterAll(async () => {
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

/** Closes a page as a user closing the tab does (its pagehide ends the session at once), then its context. */
async function leave(page: Page): Promise<void> {
  await page.close({ runBeforeUnload: true });
  await page.waitForEvent('close');
  await page.context().close();
}

async function enter(name: string, on: ChatServer = server, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  await page.goto(`${on.url}/?name=${name}`);
  // The page joins the first channel by itself once welcomed.
  await page.locator('#channel-title', { hasText: '# general' }).waitFor();
  await page.locator('#status[data-status="open"]').waitFor();
  return page;
}

/** Writes and sends; resolves once the composer is empty again (the server took it). */
async function say(page: Page, text: string): Promise<void> {
  await page.locator('#composer-text').fill(text);
  await page.locator('#composer-text').press('Enter');
  await page.waitForFunction(() => (document.querySelector('#composer-text') as HTMLInputElement).value === '');
}

const message = (page: Page, text: string): Locator => page.locator('#messages .message:not(.system)', { hasText: text });
const notice = (page: Page, text: string | RegExp): Locator => page.locator('#messages .message.system', { hasText: text });

browserTest('two people in a channel see each other type, write and leave', async () => {
  const alice = await enter('alice');
  const bob = await enter('bob');
  await expectPresence(alice, ['alice (you)', 'bob']);
  await expectPresence(bob, ['alice', 'bob (you)']);

  await alice.locator('#composer-text').pressSequentially('Hi bob, the chat works');
  await bob.locator('#typing', { hasText: 'alice is typing…' }).waitFor();

  await alice.locator('#composer-text').press('Enter');
  await message(bob, 'Hi bob, the chat works').waitFor();
  await bob.locator('#typing:empty').waitFor();
  await say(bob, 'Hello alice!');
  await message(alice, 'Hello alice!').waitFor();
  await alice.locator('#composer-text').pressSequentially('Great');
  await bob.locator('#typing', { hasText: 'alice is typing…' }).waitFor();

  mkdirSync(ARTIFACTS, { recursive: true });
  await bob.screenshot({ path: join(ARTIFACTS, 'sample-chat.png') });

  await alice.locator('#leave').click();
  await expectPresence(bob, ['bob (you)']);
  await expect(alice.locator('#channel-title').textContent()).resolves.toBe('Pick a channel');
  await alice.context().close();
  await bob.context().close();
}, 90_000);

browserTest('a taken nickname is explained in a toast', async () => {
  const first = await enter('dora');
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/?name=dora`);
  await page.locator('.toast', { hasText: 'The nickname "dora" is taken' }).waitFor();
  await expect(page.locator('#login').isVisible()).resolves.toBe(true);
  await first.context().close();
  await page.context().close();
}, 90_000);

for (const [label, viewport] of [['a desktop', DESKTOP], ['a 375 px phone', PHONE]] as const) {
  browserTest(`refused messages show toasts that never cover the Send button (${label})`, async () => {
    const page = await enter(`erin${viewport.width}`, server, viewport);
    for (let i = 0; i < 4; i++) {
      await page.locator('#composer-text').fill('   ');
      await page.locator('#composer-text').press('Enter');
    }
    await expect(page.locator('.toast', { hasText: 'text must not be empty' }).count()).resolves.toBe(3); // at most three at a time
    const send = await box(page.locator('#send'));
    const input = await box(page.locator('#composer-text'));
    for (const toast of await page.locator('.toast').all()) {
      const shown = await box(toast);
      expect(overlaps(shown, send)).toBe(false);
      expect(overlaps(shown, input)).toBe(false);
    }
    // The composer is usable while they show: the next message goes through.
    await say(page, 'fixed it');
    await message(page, 'fixed it').waitFor();
    await page.context().close();
  }, 90_000);
}

browserTest('a direct message opens a conversation of its own instead of landing in the open channel', async () => {
  const gus = await enter('gus');
  const hana = await enter('hana');
  await expectPresence(gus, ['gus (you)', 'hana']);
  await gus.locator('#presence li', { hasText: 'hana' }).click();
  await expect(gus.locator('#channel-title').textContent()).resolves.toBe('@ hana');
  await say(gus, 'psst, just you');
  await message(gus, 'psst, just you').waitFor();

  // Hana stays in #general: the message is not drawn there, her "gus" conversation gets an unread badge.
  await hana.locator('#directs li', { hasText: 'gus' }).locator('.unread', { hasText: '1' }).waitFor();
  await expect(message(hana, 'psst, just you').count()).resolves.toBe(0);
  await expect(hana.locator('#channel-title').textContent()).resolves.toBe('# general');
  await hana.locator('#directs li', { hasText: 'gus' }).click();
  await message(hana, 'psst, just you').waitFor();
  await say(hana, 'got it');
  await message(gus, 'got it').waitFor();

  // Back in the channel: only channel messages there; the conversation is still there when reopened.
  await gus.locator('#channels li', { hasText: 'general' }).click();
  await gus.locator('#channel-title', { hasText: '# general' }).waitFor();
  await expect(gus.locator('#messages .message.direct').count()).resolves.toBe(0);
  await gus.locator('#directs li', { hasText: 'hana' }).click();
  await expect(gus.locator('#messages .message.direct').count()).resolves.toBe(2);
  await gus.context().close();
  await hana.context().close();
}, 90_000);

browserTest('a channel someone creates appears in everyone’s list, and its messages reach those who join it', async () => {
  const ivy = await enter('ivy');
  const jon = await enter('jon');
  await ivy.locator('#new-channel-name').fill('design');
  await ivy.locator('#new-channel-name').press('Enter');
  await ivy.locator('#channel-title', { hasText: '# design' }).waitFor();
  await jon.locator('#channels li', { hasText: 'design' }).waitFor();
  await say(ivy, 'first in design');

  await jon.locator('#channels li', { hasText: 'design' }).click();
  await message(jon, 'first in design').waitFor(); // from the room's history
  // Someone who arrives later sees it too (the welcome lists every channel).
  const kim = await enter('kim');
  await kim.locator('#channels li', { hasText: 'design' }).waitFor();
  for (const page of [ivy, jon, kim]) await page.context().close();
}, 90_000);

browserTest('on a 375 px phone the Online panel and direct messages are a tap away', async () => {
  const lea = await enter('lea', server, PHONE);
  const max = await enter('max');
  await expect(lea.locator('#people').isVisible()).resolves.toBe(true); // present, drawn off screen
  expect(await inViewport(lea, '#people')).toBe(false);
  await lea.locator('#open-people', { hasText: 'Online 2' }).click();
  await lea.waitForFunction(() => {
    const r = document.querySelector('#people')!.getBoundingClientRect();
    return r.left >= 0 && r.right <= innerWidth;
  });
  await lea.locator('#presence li', { hasText: 'max' }).click();
  await expect(lea.locator('#channel-title').textContent()).resolves.toBe('@ max');
  await lea.waitForFunction(() => document.querySelector('#people')!.getBoundingClientRect().left >= innerWidth); // closed again
  await say(lea, 'hi from my phone');
  await max.locator('#directs li', { hasText: 'lea' }).click();
  await message(max, 'hi from my phone').waitFor();
  await say(max, 'hello phone');
  await message(lea, 'hello phone').waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  await lea.screenshot({ path: join(ARTIFACTS, 'sample-chat-phone.png') });
  const send = await box(lea.locator('#send'));
  expect(send.x + send.width).toBeLessThanOrEqual(PHONE.width);
  await lea.locator('#open-channels').click();
  await lea.locator('#channels li', { hasText: 'random' }).click();
  await lea.locator('#channel-title', { hasText: '# random' }).waitFor();
  for (const page of [lea, max]) await page.context().close();
}, 90_000);

browserTest('a page whose connection drops resumes: the messages sent meanwhile, once, and a "reconnected — 3 new messages" notice', async () => {
  const nora = await enter('nora');
  const omar = await enter('omar');
  await say(nora, 'before the drop');
  await message(omar, 'before the drop').waitFor();
  const idBefore = await nora.evaluate(() => document.querySelector('#presence li.you')?.getAttribute('data-id'));

  // The phone loses its network: no new connection gets through, and the open one dies without a
  // closing handshake (the server sees 1006 and keeps the session for the recovery window).
  await nora.context().setOffline(true);
  server.sockets.get('nora')?.destroy();
  await notice(nora, 'Connection lost, reconnecting…').waitFor();
  for (const text of ['missed one', 'missed two', 'missed three']) await say(omar, text);
  await nora.waitForTimeout(1500); // a reconnect attempt or two fail meanwhile
  await expect(message(nora, 'missed one').count()).resolves.toBe(0);
  await nora.context().setOffline(false);
  await notice(nora, 'Reconnected — 3 new messages').waitFor({ timeout: 15_000 });
  for (const text of ['before the drop', 'missed one', 'missed two', 'missed three']) await expect(message(nora, text).count()).resolves.toBe(1);
  await expect(notice(nora, 'Connection lost, reconnecting…').count()).resolves.toBe(1); // the conversation was kept
  await nora.locator('.toast', { hasText: 'Reconnected — 3 new messages' }).waitFor();
  // The same client: same id in presence, still in #general without joining again, and live messages flow.
  await expectPresence(omar, ['nora', 'omar (you)']);
  await expect(nora.evaluate(() => document.querySelector('#presence li.you')?.getAttribute('data-id'))).resolves.toBe(idBefore);
  await say(omar, 'live again');
  await message(nora, 'live again').waitFor();
  await say(nora, 'I am back');
  await message(omar, 'I am back').waitFor();
  for (const page of [nora, omar]) await page.context().close();
}, 90_000);

browserTest('after a server restart the page keeps its conversation and notice, and rejoins its channel as a new session', async () => {
  const page = await enter('frank');
  await say(page, 'before the restart');
  await message(page, 'before the restart').waitFor();
  const port = server.port;
  await server.close();
  await page.locator('#status[data-status="reconnecting"]').waitFor();
  server = await startServer({ port });
  await page.locator('#status[data-status="open"]').waitFor({ timeout: 20_000 });
  // In memory a restart loses the sessions: the page gets a fresh one and joins #general again by itself.
  await notice(page, 'Reconnected as a new session').waitFor();
  await expectPresence(page, ['frank (you)']);
  await expect(message(page, 'before the restart').count()).resolves.toBe(1);
  await expect(notice(page, 'Connection lost, reconnecting…').count()).resolves.toBe(1);
  await say(page, 'back again');
  await message(page, 'back again').waitFor();
  await page.context().close();
}, 90_000);

const clusterTest = hasChromium && (redisInstalled || process.env.REQUIRE_REDIS === '1') ? test : test.skip;

clusterTest('two nodes on one Redis: browsers chat across nodes, and a page whose node restarts resumes with what it missed', async () => {
  const redis = new RedisServer();
  await redis.start();
  const nodes = [await startServer({ redisUrl: redis.url }), await startServer({ redisUrl: redis.url })];
  try {
    const gina = await enter('gina', nodes[0]);
    const hugo = await enter('hugo', nodes[1]);
    await expectPresence(gina, ['gina (you)', 'hugo']);
    await hugo.locator('#composer-text').pressSequentially('from node two');
    await gina.locator('#typing', { hasText: 'hugo is typing…' }).waitFor();
    await hugo.locator('#composer-text').press('Enter');
    await message(gina, 'from node two').waitFor();

    // Gina's node is restarted (a deploy: its clients get 1001); Hugo writes meanwhile through node two.
    const port = nodes[0]!.port;
    await nodes[0]!.close();
    await notice(gina, 'Connection lost, reconnecting…').waitFor();
    for (const text of ['while you were away', 'still away', 'almost back']) await say(hugo, text);
    nodes[0] = await startServer({ redisUrl: redis.url, port });
    await notice(gina, 'Reconnected — 3 new messages').waitFor({ timeout: 20_000 });
    for (const text of ['while you were away', 'still away', 'almost back']) await expect(message(gina, text).count()).resolves.toBe(1);
    await say(gina, 'resumed on a new process');
    await message(hugo, 'resumed on a new process').waitFor();
    await gina.screenshot({ path: join(ARTIFACTS, 'sample-chat-resumed.png') });

    await leave(hugo);
    await expectPresence(gina, ['gina (you)']);
    await gina.context().close();
  } finally {
    for (const node of nodes) await node?.close();
    await redis.stop();
  }
}, 90_000);

// Waits until the presence list shows exactly these names (the page updates it as pushes arrive).
async function expectPresence(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) => Array.from(document.querySelectorAll('#presence li')).map((li) => li.textContent).join('|') === expected,
    names.join('|'),
  );
}

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (found === null) throw new Error('element not visible');
  return found;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((css) => {
    const r = document.querySelector(css)!.getBoundingClientRect();
    return r.left >= 0 && r.right <= innerWidth && r.width > 0;
  }, selector);
}
