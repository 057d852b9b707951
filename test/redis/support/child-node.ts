/**
 * One cluster node in a child process (for SIGKILL / SIGSTOP tests). Argument: JSON of
 * RedisAdapterOptions (with `recovery`: the app's session recovery option); see serve-child.ts.
 */
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';
import { serveChild } from './serve-child';

serveChild<RedisAdapterOptions & { recovery?: boolean | object }>(async ({ recovery, ...options }) => {
  const adapter = new RedisAdapter({ ...options, logger: false });
  const app = await bootstrap(ContractModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery });
  return { app, nodeId: adapter.nodeId };
});
