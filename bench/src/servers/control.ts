/**
 * @module bench/servers/control
 * The runner's side channel to a server under test: `ready <port>` on stdout once listening,
 * and `mem` on stdin answered with the memory after forced garbage collections.
 */
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';

/** The bench message's payload and the strings every server agrees on. */
export const ROOM = 'bench';

/** Arguments every server takes: `node server.js <variant>`. */
export function variant(): string {
  return process.argv[2] ?? 'echo';
}

async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Announces the port and serves memory queries until stdin closes (then exits). */
export function announce(port: number, close: () => Promise<void> | void): void {
  process.stdout.write(`ready ${port}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    // `heap <file>` (for investigating memory by hand) writes a heap snapshot.
    if (line.startsWith('heap ')) return void process.stdout.write(`heap ${writeHeapSnapshot(line.slice(5).trim())}\n`);
    if (line.trim() !== 'mem') return;
    void collect().then(() => {
      const { rss, heapUsed } = process.memoryUsage();
      process.stdout.write(`mem ${JSON.stringify({ rss, heapUsed })}\n`);
    });
  });
  lines.on('close', () => {
    void Promise.resolve(close()).finally(() => process.exit(0));
  });
}
