/** Spawns `child-node.ts` in its own Node process and reads its port and node id. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RedisAdapterOptions } from 'ws-controllers/redis';

/** A running child node. */
export interface ChildNode {
  port: number;
  nodeId: string;
  process: ChildProcess;
  /** Sends a signal to it by pid. */
  signal(signal: NodeJS.Signals): void;
  /** Ends it (SIGKILL) and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts a node in a child process with these adapter options (`script`: another node script, in this
 * folder or an absolute path; `startTimeoutMs`: more time to start on a busy box).
 */
export function startChildNode(
  options: RedisAdapterOptions | object,
  script = 'child-node.ts',
  startTimeoutMs = 30_000,
): Promise<ChildNode> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, 'ts-hook.js'),
      path.resolve(__dirname, script),
      JSON.stringify(options),
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    // A TS-compiling child under a loaded CI box is slow to start.
    const timer = setTimeout(
      () => fail(new Error(`child node did not start in ${startTimeoutMs / 1000} s`)),
      startTimeoutMs,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onExit = (code: number | null): void =>
      fail(new Error(`child node exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        child.off('exit', onExit);
        const { port, nodeId } = JSON.parse(line) as { port: number; nodeId: string };
        resolve({
          port,
          nodeId,
          process: child,
          signal: (signal) => child.kill(signal),
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGCONT');
              child.kill('SIGKILL');
              await exited;
            }
          },
        });
      }
    });
  });
}
