/**
 * One node of reliability 17.2 in a child process (so it can be SIGKILLed): the chaos app with
 * session recovery on a RedisAdapter. Argument: JSON `{ adapter: RedisAdapterOptions, recovery }`.
 * Prints `{"port", "nodeId"}` once listening; exits when stdin closes.
 */
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ChaosModule } from './recovery-chaos-app';

async function main(): Promise<void> {
  const { adapter: options, recovery } = JSON.parse(process.argv[2] ?? '{}') as {
    adapter: RedisAdapterOptions;
    recovery: { windowMs: number; maxPerRoom: number };
  };
  // CHAOS_LOG=<file>: the node's warnings and errors as JSON lines (to see why a check failed).
  const file = process.env.CHAOS_LOG;
  const line = (level: string) => (fields: object | string, message?: string) => {
    if (file === undefined) return;
    const body = typeof fields === 'string' ? { message: fields } : { ...fields, message };
    const err = (body as { err?: unknown }).err;
    appendFileSync(file, JSON.stringify({ pid: process.pid, level, at: Date.now(), ...body, err: err === undefined ? undefined : String(err) }) + '\n');
  };
  const logger = file === undefined ? false : { debug: () => undefined, info: () => undefined, warn: line('warn'), error: line('error') };
  const adapter = new RedisAdapter({ ...options, logger });
  const app = await bootstrap(ChaosModule, { port: 0, host: '127.0.0.1', logger, adapter, recovery, presence: { diffIntervalMs: 100 } });
  process.stdout.write(`${JSON.stringify({ port: app.port, nodeId: adapter.nodeId })}\n`);
  process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
