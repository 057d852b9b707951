/** The console set-up of docs/tracing.md: type-checked against the package, then run as written in its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { freePort } from '../redis/support/redis-server';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { TRACE_ID, TRACEPARENT } from './tracing-app';

const root = resolve(__dirname, '../..');
const PAGE = join(root, 'docs/tracing.md');

function setUpBlock(): string {
  const page = readFileSync(PAGE, 'utf8');
  const start = page.indexOf('## Set-up: spans to the console');
  if (start < 0) throw new Error("docs/tracing.md has no '## Set-up: spans to the console' section");
  const match = /```ts\n([\s\S]*?)```/.exec(page.slice(start));
  if (!match?.[1]) throw new Error('no ts block in the set-up section');
  return match[1];
}

// The module the snippet imports: what a user's app.module.ts would hold.
const APP_MODULE = `import { Module, OnMessage, Payload, WebSocketController } from 'ws-controllers';
@WebSocketController('/chat')
class ChatController {
  @OnMessage('say')
  say(@Payload() body: { text: string }): string { return 'heard ' + body.text; }
}
@Module({ controllers: [ChatController] })
export class AppModule {}
`;

let dir: string;
let child: ChildProcess | undefined;
let socket: TestSocket | undefined;

beforeAll(() => {
  // Inside the repository so that node_modules resolve as they would in a user's project.
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  dir = mkdtempSync(join(root, 'test-artifacts', 'tracing-docs-'));
  writeFileSync(join(dir, 'main.ts'), setUpBlock());
  writeFileSync(join(dir, 'app.module.ts'), APP_MODULE);
});

afterAll(async () => {
  await socket?.close();
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the set-up is at most 10 lines and type-checks against the package', () => {
  expect(setUpBlock().trim().split('\n').length).toBeLessThanOrEqual(10);
  const program = ts.createProgram([join(dir, 'main.ts')], {
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    baseUrl: root,
    paths: { 'ws-controllers': ['src/index.ts'] },
  });
  expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
});

test('run as written, it prints the span of a message that carried a traceparent to the console', async () => {
  const port = await freePort();
  let out = '';
  child = spawn(process.execPath, ['-r', join(root, 'test/redis/support/ts-hook.js'), join(dir, 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // Waits for the server by trying to connect (bounded), then sends one traced request.
  const deadline = Date.now() + 15_000;
  while (socket === undefined) {
    try {
      socket = await connect(urlOf(port, '/chat'));
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the snippet did not serve: ${String(error)}\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  socket.send({ event: 'say', id: 1, payload: { text: 'hi' }, traceparent: TRACEPARENT });
  expect((await socket.next('say')).payload).toBe('heard hi');
  while (!out.includes("name: 'process say'")) {
    if (Date.now() > deadline) throw new Error(`no span printed:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(out).toContain(`traceId: '${TRACE_ID}'`);
  expect(out).toContain("name: 'handler ChatController.say'");
}, 30_000);
