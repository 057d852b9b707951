/**
 * One node of reliability 17.2 in a child process (so it can be SIGKILLed): the chaos app with
 * session recovery on a RedisAdapter. Argument: JSON `{ adapter: RedisAdapterOptions, recovery }`;
 * see serve-child.ts.
 */
import { appendFileSync } from 'node:fs';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { serveChild } from '../../redis/support/serve-child';
import { ChaosModule } from './recovery-chaos-app';

type Options = { adapter: RedisAdapterOptions; recovery: { windowMs: number; maxPerRoom: number } };

serveChild<Options>(async ({ adapter: options, recovery }) => {
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
  return { app, nodeId: adapter.nodeId };
});
