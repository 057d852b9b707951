/**
 * A session recovery node in a child process (for SIGKILL tests). Argument: JSON of
 * `{ adapter: RedisAdapterOptions, recovery }`; see serve-child.ts.
 */
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { RecoveryModule } from '../../recovery/fixture';
import { serveChild } from './serve-child';

serveChild<{ adapter: RedisAdapterOptions; recovery: object }>(async (options) => {
  const adapter = new RedisAdapter({ ...options.adapter, logger: false });
  const app = await bootstrap(RecoveryModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery: options.recovery });
  return { app, nodeId: adapter.nodeId };
});
