/**
 * End to end: the built `ws-controllers` bin writes a project and a controller; the project
 * type-checks, passes `npm test` and serves with `npm start`, against the local package.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { buildLocalPackage, linkLocalPackage, REPO, run } from './local-package';

jest.setTimeout(180_000);

let root: string;
let pkg: string;
let project: string;
let bin: string;

beforeAll(async () => {
  mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
  // Inside the repository (git-ignored) so the project's other dependencies resolve from its node_modules.
  root = mkdtempSync(join(REPO, 'test-artifacts', 'cli-'));
  pkg = await buildLocalPackage(join(root, 'pkg'));
  bin = join(pkg, 'dist', 'cli', 'main.js');
  project = join(root, 'chat-app');
  const created = await run(process.execPath, [bin, 'new', 'chat-app'], root);
  if (created.code !== 0) throw new Error(created.output);
  linkLocalPackage(project, pkg);
  const generated = await run(process.execPath, [bin, 'generate', 'controller', 'game-room', '--path', '/games/:gameId'], project);
  if (generated.code !== 0) throw new Error(generated.output);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

test('the built bin starts with a shebang and exits with 2 on a bad name', async () => {
  expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  const result = await run(process.execPath, [bin, 'generate', 'controller', '9lives'], root);
  expect(result.code).toBe(2);
  expect(result.output).toContain("Invalid controller name '9lives'");
});

test('the generated project and controller type-check, specs included', async () => {
  const result = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], project);
  expect(result).toEqual({ code: 0, output: '' });
});

test('npm test passes in the generated project, running the generated specs', async () => {
  const result = await run('npm', ['test', '--silent'], project);
  // On failure, show the whole Jest output of the generated project.
  if (!/Tests:\s+10 passed, 10 total/.test(result.output)) throw new Error(`npm test in the generated project:\n${result.output}`);
  expect(result.output).toContain('chat.controller.spec.ts');
  expect(result.output).toContain('game-room.controller.spec.ts');
  expect(result.code).toBe(0);
});

test('npm start builds the project and serves its controller', async () => {
  const child = spawn('npm', ['start', '--silent'], { cwd: project, env: { ...process.env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on port (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('close', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      // Fail (and reach the finally that stops the server) before Jest's own timeout abandons the test.
      setTimeout(() => reject(new Error(`npm start printed no start line in time:\n${output}`)), 150_000).unref();
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    const messages: unknown[] = [];
    const reply = new Promise<unknown>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number };
        messages.push(message);
        if (message.id === 1) resolve(message);
      }),
    );
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ event: 'echo', payload: { text: 'hi' }, id: 1 }));
    expect(await reply).toEqual({ event: 'echo', payload: { text: 'hi' }, id: 1 });
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});
