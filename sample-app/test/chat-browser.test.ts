/**
 * The chat in a real headless Chromium: two people in one channel see each other type, write and leave.
 * Needs Debian's `chromium` at /usr/bin/chromium (never downloads a browser); skips loudly without it,
 * unless CI=true, where its absence is a failure.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { redisInstalled, RedisServer } from '../../test/redis/support/redis-server';
import { startChatServer, type ChatServer } from '../src/server';
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

let server: ChatServer;
let browser: Browser;
// Uncaught exceptions in any page fail the suite at the end.
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startChatServer({ port: 0, host: '127.0.0.1', staticDirs: await buildPage(), logger: false });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

async function enter(name: string, on: ChatServer = server): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  await page.goto(`${on.url}/?name=${name}`);
  // The page joins the first channel by itself once welcomed.
  await page.locator('#channels li.active', { hasText: 'general' }).waitFor();
  return page;
}


browserTest('two people in a channel see each other type, write and leave', async () => {
  const alice = await enter('alice');
  const bob = await enter('bob');
  await expectPresence(alice, ['alice (you)', 'bob']);
  await expectPresence(bob, ['alice', 'bob (you)']);

  await alice.locator('#composer-text').pressSequentially('Hi bob, the chat works');
  await bob.locator('#typing', { hasText: 'alice is typing…' }).waitFor();

  await alice.locator('#composer-text').press('Enter');
  await bob.locator('#messages .message', { hasText: 'Hi bob, the chat works' }).waitFor();
  await bob.locator('#typing:empty').waitFor();
  await bob.locator('#composer-text').fill('Hello alice!');
  await bob.locator('#composer-text').press('Enter');
  await alice.locator('#messages .message', { hasText: 'Hello alice!' }).waitFor();
  await alice.locator('#composer-text').pressSequentially('Great');
  await bob.locator('#typing', { hasText: 'alice is typing…' }).waitFor();

  mkdirSync(ARTIFACTS, { recursive: true });
  await bob.screenshot({ path: join(ARTIFACTS, 'sample-chat.png') });

  await alice.locator('#leave').click();
  await expectPresence(bob, ['bob (you)']);
  await expect(alice.locator('#channel-title').textContent()).resolves.toBe('Pick a channel');
  await alice.context().close();
  await bob.context().close();
}, 60_000);

browserTest('a taken nickname is explained in a toast', async () => {
  const first = await enter('dora');
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/?name=dora`);
  await page.locator('.toast', { hasText: 'The nickname "dora" is taken' }).waitFor();
  await expect(page.locator('#login').isVisible()).resolves.toBe(true);
  await first.context().close();
  await page.context().close();
}, 30_000);

browserTest('a refused message shows its validation error in a toast', async () => {
  const page = await enter('erin');
  await page.locator('#composer-text').fill('   ');
  await page.locator('#composer-text').press('Enter');
  await page.locator('.toast', { hasText: 'text must not be empty' }).waitFor();
  await page.context().close();
}, 30_000);

browserTest('the page reconnects and rejoins its channel after a server restart', async () => {
  const page = await enter('frank');
  const port = server.port;
  await server.close();
  await page.locator('#status[data-status="reconnecting"]').waitFor();
  server = await startChatServer({ port, host: '127.0.0.1', staticDirs: await buildPage(), logger: false });
  await page.locator('#status[data-status="open"]').waitFor({ timeout: 20_000 });
  await expectPresence(page, ['frank (you)']);
  await page.locator('#composer-text').fill('back again');
  await page.locator('#composer-text').press('Enter');
  await page.locator('#messages .message', { hasText: 'back again' }).waitFor();
  await page.context().close();
}, 40_000);

const clusterTest = hasChromium && (redisInstalled || process.env.REQUIRE_REDIS === '1') ? test : test.skip;

clusterTest('two browsers on two nodes sharing one Redis chat together', async () => {
  const redis = new RedisServer();
  await redis.start();
  const pages = await buildPage();
  const nodes = [
    await startChatServer({ port: 0, host: '127.0.0.1', redisUrl: redis.url, staticDirs: pages, logger: false }),
    await startChatServer({ port: 0, host: '127.0.0.1', redisUrl: redis.url, staticDirs: pages, logger: false }),
  ];
  try {
    const gina = await enter('gina', nodes[0]);
    const hugo = await enter('hugo', nodes[1]);
    await expectPresence(gina, ['gina (you)', 'hugo']);
    await hugo.locator('#composer-text').pressSequentially('from node two');
    await gina.locator('#typing', { hasText: 'hugo is typing…' }).waitFor();
    await hugo.locator('#composer-text').press('Enter');
    await gina.locator('#messages .message', { hasText: 'from node two' }).waitFor();
    await hugo.context().close();
    await expectPresence(gina, ['gina (you)']);
    await gina.context().close();
  } finally {
    for (const node of nodes) await node.close();
    await redis.stop();
  }
}, 60_000);

// Waits until the presence list shows exactly these names (the page updates it as pushes arrive).
async function expectPresence(page: Page, names: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) => Array.from(document.querySelectorAll('#presence li')).map((li) => li.textContent).join('|') === expected,
    names.join('|'),
  );
}
