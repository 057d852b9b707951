/** The chat's HTTP side and its process: the page's files, the nickname check, the start line, SIGTERM. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, urlOf } from '../../test/support/ws-test-client';
import { startChatServer, type ChatServer } from '../src/server';

const PUBLIC = join(__dirname, '..', 'public');
let chat: ChatServer;

beforeAll(async () => {
  chat = await startChatServer({ port: 0, host: '127.0.0.1', staticDirs: [PUBLIC], logger: false });
});
afterAll(() => chat.close());

const get = (path: string): Promise<Response> => fetch(`${chat.url}${path}`);

test('the page is served at / as HTML, with its stylesheet', async () => {
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await page.text()).toContain('<script type="module" src="/app.js">');
  expect((await get('/styles.css')).headers.get('content-type')).toMatch(/^text\/css/);
});

test('unknown paths, other file types and attempts to climb out of the folder are 404', async () => {
  for (const path of ['/nope.html', '/index.ts', '/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%zz']) {
    expect((await get(path)).status).toBe(404);
  }
});

test('the nickname check answers 200, 400 or 409 like the handshake would', async () => {
  expect((await get('/api/nickname?name=newbie')).status).toBe(200);
  const invalid = await get('/api/nickname?name=x');
  expect(invalid.status).toBe(400);
  expect(await invalid.json()).toMatchObject({ code: 'INVALID_NAME' });
  const socket = await connect(urlOf(chat.port, '/chat?name=holder'));
  const taken = await get('/api/nickname?name=HOLDER');
  expect(taken.status).toBe(409);
  expect(await taken.json()).toMatchObject({ code: 'NAME_TAKEN' });
  await socket.close();
});

test('the process logs one start line with its URL and, on SIGTERM, closes its clients (1001) and exits 0', async () => {
  // Runs main.ts directly: the swc hook compiles TypeScript with decorator metadata, as tsc does.
  const hook = join(__dirname, '..', '..', 'test', 'redis', 'support', 'ts-hook.js');
  const child = spawn(process.execPath, ['-r', hook, join(__dirname, '..', 'src', 'main.ts')], {
    env: { ...process.env, PORT: '0', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const started = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Chat ready on (http:\/\/localhost:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    void exited.then(() => reject(new Error(`exited before starting: ${output}`)));
  });
  const url = await started;
  const socket = await connect(`${url.replace('http', 'ws')}/chat?name=sigterm`);

  child.kill('SIGTERM');

  expect((await socket.closed).code).toBe(1001);
  expect(await exited).toBe(0);
  expect(output.trim().split('\n')).toHaveLength(1);
}, 30_000);
