/**
 * The admin page in headless Chromium: it loads, shows a connected client live, and disconnects it.
 * A screenshot goes to test-artifacts/admin.png. Without Chromium the test is skipped loudly
 * (and fails under CI=true).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { ObservedModule } from './observed-app';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  const message = `\n\n!!! ${CHROMIUM} is missing: the admin page browser test is SKIPPED. Install it: apt-get install -y chromium\n\n`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(message);
}

const browserTest = hasChromium ? test : test.skip;

let app: WsApp;
let browser: Browser | undefined;
const clients: TestSocket[] = [];

beforeAll(async () => {
  app = await bootstrap(ObservedModule, {
    ...testOptions,
    metrics: true,
    admin: { path: '/admin', token: TOKEN, refreshMs: 250 },
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(clients.map((c) => c.close()));
  await app.close();
});

async function client(path: string): Promise<{ socket: TestSocket; id: string }> {
  const socket = await connect(urlOf(app.port, path));
  clients.push(socket);
  const id = (await socket.request('whoami')).payload as string;
  return { socket, id };
}

browserTest(
  'the admin page loads, shows a connected client live, and disconnects it',
  async () => {
    const alice = await client('/chat/lobby');
    const bob = await client('/chat/lobby');
    const carol = await client('/chat/support');
    await alice.socket.request('say', { text: 'hello' });
    await bob.socket.request('boom');
    await carol.socket.request('deny');
    await carol.socket.request('say', { text: '' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`http://127.0.0.1:${app.port}/admin?token=${TOKEN}`);
    await page.waitForSelector('#status.live');
    const aliceRow = `tr[data-client-id="${alice.id}"]`;
    await page.waitForSelector(aliceRow);
    expect(await page.textContent(aliceRow)).toContain('/chat/lobby');
    await page.waitForSelector('tr[data-room="support"]');

    // Steady traffic so the rates column shows live numbers in the screenshot.
    const traffic = setInterval(() => {
      alice.socket.emit('echo', { n: 1 });
      bob.socket.emit('echo', { n: 2 });
    }, 10);
    try {
      await page.waitForFunction(() => {
        const cell = document.querySelector('tr[data-event="echo"] td:nth-child(2)');
        return cell !== null && cell.textContent !== '0.0';
      });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'admin.png'), fullPage: true });
    } finally {
      clearInterval(traffic);
    }

    await page.click(`${aliceRow} button[data-action="disconnect"]`);
    expect(await alice.socket.closed).toEqual({ code: 1008, reason: 'Disconnected by admin' });
    await page.waitForSelector(aliceRow, { state: 'detached' });
    expect(await page.$(`tr[data-client-id="${bob.id}"]`)).not.toBeNull();
  },
  60_000,
);
