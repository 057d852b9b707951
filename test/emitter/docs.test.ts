/**
 * docs/emitter.md's example runs as written, in a process of its own, against two nodes: its room
 * emit, its send (delivered), its path broadcast and its disconnect all reach the clients.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestSocket } from '../support/ws-test-client';
import { openClient, startNode, type RedisNode } from '../redis/support/cluster-helpers';
import { describeRedis, RedisServer } from '../redis/support/redis-server';

const root = path.join(__dirname, '../..');

function example(): string {
  const page = readFileSync(path.join(root, 'docs/emitter.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error('docs/emitter.md has no ts example');
  return block;
}

function run(
  file: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [
    '-r',
    path.join(root, 'test/redis/support/ts-hook.js'),
    file,
    ...args,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

test('the example is the one the issue asks for', () => {
  const code = example();
  for (const line of [
    "import { createEmitter } from 'ws-controllers/emitter';",
    "const emitter = createEmitter({ url: 'redis://127.0.0.1:6379', keyPrefix: 'myapp' });",
    "await emitter.to('general').emit('announcement', { text: 'Deploy at 5' });",
    "const delivered = await emitter.send(clientId, 'notice', { text: 'Your export is ready' }); // boolean",
    "await emitter.broadcast('maintenance', { at: '17:00' }, { path: '/chat' });",
    "await emitter.disconnect(clientId, 4001, 'Account closed');",
    'await emitter.close();',
  ])
    expect(code).toContain(line);
});

describeRedis('docs/emitter.md', () => {
  const redis = new RedisServer();
  let a: RedisNode;
  let b: RedisNode;
  const sockets: TestSocket[] = [];
  let dir = '';

  beforeAll(async () => {
    await redis.start();
    a = await startNode({ url: redis.url, keyPrefix: 'myapp' });
    b = await startNode({ url: redis.url, keyPrefix: 'myapp' });
    dir = mkdtempSync(path.join(tmpdir(), 'emitter-docs-'));
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([a.app.close(), b.app.close()]);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs as written and reaches clients on both nodes', async () => {
    const member = await openClient(a.app.port, sockets);
    const target = await openClient(b.app.port, sockets);
    await member.request('join', 'general');
    const [imports, ...body] = example().split('\n');
    const file = path.join(dir, 'example.ts');
    writeFileSync(
      file,
      [
        imports,
        'async function main(clientId: string): Promise<void> {',
        ...body.map((line) => line.replace('redis://127.0.0.1:6379', redis.url)),
        '  process.stdout.write(JSON.stringify({ delivered }));',
        '}',
        'void main(process.argv[2] ?? "");',
      ].join('\n'),
    );
    const result = await run(file, target.id);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ delivered: true });
    expect(result.code).toBe(0);
    expect((await member.next('announcement')).payload).toEqual({ text: 'Deploy at 5' });
    expect((await target.next('notice')).payload).toEqual({ text: 'Your export is ready' });
    // The contract app's controllers are on /room and /other: a /chat broadcast reaches no one.
    expect(await target.closed).toEqual({ code: 4001, reason: 'Account closed' });
    expect(target.received.map((m) => m.event)).not.toContain('maintenance');
  }, 30_000);
});
