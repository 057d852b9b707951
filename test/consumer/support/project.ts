/** Writes consumer projects under the work folder, runs commands in them, talks to their servers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import WebSocket from 'ws';
import { CONSUMER, REPO, WORK } from './paths';

/** What a finished command printed. */
export interface Result {
  code: number | null;
  output: string;
}

/** Runs a command to completion, stdout and stderr together. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Writes a project (`files` by relative path) under the work folder; links the matrix's own tools into it. */
export function writeProject(name: string, files: Record<string, string>, tools: string[] = []): string {
  const dir = join(WORK, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const tool of tools) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(join(CONSUMER, 'node_modules', tool), join(dir, 'node_modules', tool), 'dir');
  }
  return dir;
}

/** The code blocks of one language after a heading of a Markdown file of the repository. */
export function codeBlocks(file: string, heading: string, lang: string): string[] {
  const text = `\n${readFileSync(join(REPO, file), 'utf8')}`;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no '${heading}' heading`);
  const level = /^#+/.exec(heading)?.[0] ?? '##';
  const rest = text.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  const section = next < 0 ? rest : rest.slice(0, next);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

/** The first code block of a language after a heading; throws when there is none. */
export function codeBlock(file: string, heading: string, lang: string): string {
  const [block] = codeBlocks(file, heading, lang);
  if (block === undefined) throw new Error(`${file}: no ${lang} block under '${heading}'`);
  return block;
}

/** A server process started by a test; `port` is read from the framework's start-up log line. */
export interface Server {
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a server command and waits (at most 30 s) for "ws-controllers listening on port N". */
export function startServer(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Server> {
  // Its own process group: a launcher (tsx's CLI) runs the server in a child of its own, which a kill of
  // the launcher alone would leave listening after the tests.
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, WS_CONTROLLERS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    try {
      if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // the group is gone already
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => void stop().then(() => reject(new Error(`no start-up line in 30 s:\n${output}`))),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = /listening on port (\d+)/.exec(output)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve({ port: Number(port), child, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Opens a socket, sends one envelope and resolves with the next frame, parsed. */
export function requestOnce(port: number, path: string, envelope: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no reply in 5 s'));
    }, 5000);
    socket.once('open', () => socket.send(JSON.stringify(envelope)));
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer);
      socket.close();
      resolve(JSON.parse(data.toString()));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
