import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import WebSocket from 'ws';
import { bootstrap } from 'ws-controllers';
import type * as ClientModule from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { CalcModule } from './fixtures/calc-app';

const entry = path.join(__dirname, '../../src/client/browser.ts');

async function bundle(format: 'esm' | 'cjs'): Promise<{ code: string; inputs: string[] }> {
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, platform: 'browser', format, target: 'es2020', write: false, metafile: true });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

test('the browser build bundles only the client sources and the shared wire protocol: no ws, no Node built-ins', async () => {
  const { code, inputs } = await bundle('esm');
  expect(inputs.filter((input) => !input.startsWith('src/client/'))).toEqual(['src/protocol/wire.ts']);
  expect(code).not.toMatch(/require\(|from"(node:|ws")/);
});

test("package.json sends bundlers to the browser entry ('browser' condition before 'default')", () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
  expect(pkg.exports['./client']).toEqual({
    types: './dist/client/index.d.ts',
    browser: './dist/client/browser.js',
    default: './dist/client/index.js',
  });
  expect(Object.keys(pkg.exports['./client']!)).toEqual(['types', 'browser', 'default']);
});

test('the minified browser build stays small (under 15 KB, 5.5 KB gzipped: requests, pushes, reconnection, server requests, streams, session recovery and presence)', async () => {
  const { code } = await bundle('esm');
  const size = Buffer.byteLength(code);
  const gzipped = gzipSync(code).length;
  // The README reports these figures.
  process.stdout.write(`client bundle: ${size} B minified, ${gzipped} B gzipped\n`);
  expect(size).toBeLessThan(15 * 1024);
  expect(gzipped).toBeLessThan(5.5 * 1024);
});

test('the browser build talks to a server through a global WebSocket', async () => {
  const { code } = await bundle('cjs');
  const sandbox = { module: { exports: {} as typeof ClientModule }, WebSocket, URLSearchParams, setTimeout, clearTimeout, queueMicrotask };
  runInNewContext(code.replace(/^/, 'var exports = module.exports;'), sandbox);
  const app = await bootstrap(CalcModule, testOptions);
  const client = sandbox.module.exports.connect(`ws://127.0.0.1:${app.port}/calc`);
  try {
    await expect(client.request('add', { a: 20, b: 22 })).resolves.toBe(42);
  } finally {
    await client.close();
    await app.close();
  }
});

test('the browser build resumes a session by itself after the socket drops (reconnect is on by default there)', async () => {
  const { code } = await bundle('cjs');
  const sockets: WebSocket[] = [];
  const urls: string[] = [];
  class RecordedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      urls.push(url);
      sockets.push(this);
    }
  }
  const sandbox = { module: { exports: {} as typeof ClientModule }, WebSocket: RecordedWebSocket, URLSearchParams, setTimeout, clearTimeout, queueMicrotask };
  runInNewContext(code.replace(/^/, 'var exports = module.exports;'), sandbox);
  const app = await bootstrap(CalcModule, { ...testOptions, recovery: true });
  const client = sandbox.module.exports.connect(`ws://127.0.0.1:${app.port}/calc`, { reconnect: { initialDelayMs: 5 } });
  try {
    const sessions: Array<{ id: string; resumed: boolean }> = [];
    const resumed = new Promise<void>((resolve) =>
      client.onSession((s) => {
        sessions.push(s);
        if (s.resumed) resolve();
      }),
    );
    const shouted = new Promise((resolve) => client.once('shouted', resolve));
    client.emit('shout', { text: 'hi' });
    await shouted;
    sockets[0]!.terminate();
    await resumed;
    expect(sessions).toEqual([
      { id: sessions[0]!.id, resumed: false },
      { id: sessions[0]!.id, resumed: true },
    ]);
    expect(new URL(urls[1]!).searchParams.get('offsets')).toMatch(/^\{"direct":"d\d+-\d+"\}$/);
  } finally {
    await client.close();
    await app.close();
  }
});
