/**
 * A presence node in a child process (for SIGKILL tests). Argument: JSON of RedisAdapterOptions plus
 * `diffIntervalMs` and `recovery` (bootstrap's); see serve-child.ts.
 */
import { bootstrap, type BootstrapOptions } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { PresenceModule } from '../../fixtures/presence-app';
import { serveChild } from './serve-child';

type Options = RedisAdapterOptions & { diffIntervalMs?: number; recovery?: BootstrapOptions['recovery'] };

serveChild<Options>(async ({ diffIntervalMs, recovery, ...options }) => {
  const adapter = new RedisAdapter({ ...options, logger: false });
  const app = await bootstrap(PresenceModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery, presence: { diffIntervalMs } });
  return { app, nodeId: adapter.nodeId };
});
