/** Helpers for the Redis multi-node tests: apps, sockets, polling, and a look inside Redis. */
import { createClient } from 'redis';
import { bootstrap, ClientService, RoomService, type WsApp } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';
import { connect, urlOf, type TestSocket } from '../../support/ws-test-client';

/** An app on the contract module with a Redis adapter. */
export interface RedisNode {
  app: WsApp;
  adapter: RedisAdapter;
  rooms: RoomService;
  clients: ClientService;
}

/** Starts an in-process node. */
export async function startNode(options: RedisAdapterOptions): Promise<RedisNode> {
  const adapter = new RedisAdapter({ logger: false, ...options });
  const app = await bootstrap(ContractModule, { port: 0, host: '127.0.0.1', logger: false, adapter });
  return { app, adapter, rooms: app.get(RoomService), clients: app.get(ClientService) };
}

/** A test socket on `/room` of the node on `port`, with its client id. */
export async function openClient(port: number, sockets: TestSocket[]): Promise<TestSocket & { id: string }> {
  const socket = await connect(urlOf(port, '/room'));
  sockets.push(socket);
  const id = (await socket.request('whoami')).payload as string;
  return Object.assign(socket, { id });
}

/** Polls `condition` every 25 ms until it holds; throws after `timeoutMs`. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs raw commands against the test Redis on a short-lived connection. */
export async function redisCommand<T = unknown>(url: string, ...commands: string[][]): Promise<T[]> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const out: T[] = [];
    for (const args of commands) out.push((await client.sendCommand(args)) as T);
    return out;
  } finally {
    await client.close();
  }
}

/** Keys under a prefix (sorted). */
export async function keysOf(url: string, prefix: string): Promise<string[]> {
  const [keys] = await redisCommand<string[]>(url, ['KEYS', `${prefix}*`]);
  return [...(keys ?? [])].sort();
}

/** Pub/sub channels under a prefix that have subscribers (sorted). */
export async function channelsOf(url: string, prefix: string): Promise<string[]> {
  const [channels] = await redisCommand<string[]>(url, ['PUBSUB', 'CHANNELS', `${prefix}*`]);
  return [...(channels ?? [])].sort();
}
