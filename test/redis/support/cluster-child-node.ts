/**
 * A Redis Cluster node in a child process whose cluster client hides node-redis's slot-map internal,
 * so the adapter follows a failover through its public-API fallback (a fresh cluster client).
 * Argument: JSON of `{ rootNodes, ...RedisAdapterOptions }` (see serve-child.ts for the rest).
 */
import { createCluster } from 'redis';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type NodeRedisClusterClient, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';
import { serveChild } from './serve-child';

serveChild<RedisAdapterOptions & { rootNodes: Array<{ url: string }> }>(async ({ rootNodes, ...options }) => {
  const client = createCluster({ rootNodes, RESP: 2, defaults: { socket: { connectTimeout: 2000 } } });
  client.on('error', () => {});
  // node-redis's own methods reach it through `_self`; only the adapter's probe sees it missing.
  Object.defineProperty(client, '_slots', { value: undefined });
  const adapter = new RedisAdapter({
    ...options,
    client: client as unknown as NodeRedisClusterClient,
    logger: false,
  });
  const app = await bootstrap(ContractModule, { port: 0, host: '127.0.0.1', logger: false, adapter });
  return { app, nodeId: adapter.nodeId };
});
