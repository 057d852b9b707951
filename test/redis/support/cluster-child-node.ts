/**
 * A Redis Cluster node in a child process whose cluster client hides node-redis's slot-map internal,
 * so the adapter follows a failover through its public-API fallback (a fresh cluster client).
 * Argument: JSON of `{ rootNodes, ...RedisAdapterOptions }`. Prints `{"port", "nodeId"}` once
 * listening; exits when stdin closes.
 */
import 'reflect-metadata';
import { createCluster } from 'redis';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type NodeRedisClusterClient, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';

async function main(): Promise<void> {
  const { rootNodes, ...options } = JSON.parse(process.argv[2] ?? '{}') as RedisAdapterOptions & {
    rootNodes: Array<{ url: string }>;
  };
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
  process.stdout.write(`${JSON.stringify({ port: app.port, nodeId: adapter.nodeId })}\n`);
  process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
