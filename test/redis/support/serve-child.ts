/**
 * The common part of every app node a test runs in a child process (so it can be SIGKILLed): reads the
 * JSON argument, starts the app, prints `{"port", "nodeId"}` once listening, closes the app and exits when
 * stdin closes (the parent went away), and exits 1 with the error on stderr when the start fails.
 */
import 'reflect-metadata';
import type { WsApp } from 'ws-controllers';

/** A started node: its app and its adapter's node id. */
export interface ChildApp {
  app: WsApp;
  nodeId: string;
}

/** Runs `start` with the parsed argument (`process.argv[2]`, JSON) as a child node. */
export function serveChild<T>(start: (options: T) => Promise<ChildApp>): void {
  const run = async (): Promise<void> => {
    const { app, nodeId } = await start(JSON.parse(process.argv[2] ?? '{}') as T);
    process.stdout.write(`${JSON.stringify({ port: app.port, nodeId })}\n`);
    process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
    process.stdin.resume();
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
