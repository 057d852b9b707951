/** Starts `http-emitter-process.ts` in a child process and talks HTTP to it. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EmitterOptions } from 'ws-controllers/emitter';

/** An HTTP answer of the emitter process. */
export interface HttpAnswer {
  status: number;
  body: { result?: unknown; code?: string; message?: string };
}

/** A running emitter process. */
export interface HttpEmitter {
  post(route: string, body?: unknown): Promise<HttpAnswer>;
  /** Ends stdin (the process closes its emitter) and resolves with how long the close took and the exit code. */
  stop(): Promise<{ closedInMs: number | undefined; exitCode: number | null }>;
  kill(): void;
}

/** Starts the process with these emitter options. */
export function startHttpEmitter(options: EmitterOptions): Promise<HttpEmitter> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, '../../redis/support/ts-hook.js'),
      path.join(__dirname, 'http-emitter-process.ts'),
      JSON.stringify(options),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const lines = (): Array<Record<string, number>> =>
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, number>);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`emitter process did not start in 15 s: ${stderr}`)),
      15_000,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onExit = (code: number | null): void =>
      fail(new Error(`emitter process exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    const onData = (): void => {
      const port = lines()[0]?.port;
      if (port === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      resolve({
        async post(route, body = {}) {
          const response = await fetch(`http://127.0.0.1:${port}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
        },
        async stop() {
          child.stdin.end();
          const exitCode = await exited;
          return { closedInMs: lines().find((line) => 'closedInMs' in line)?.closedInMs, exitCode };
        },
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      });
    };
    child.stdout.on('data', onData);
  });
}
