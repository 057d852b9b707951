/**
 * @module bench/memory
 * Idle memory per connection: connect 200, force GC, measure; connect up to N, wait, GC, measure;
 * the difference divided by N - 200.
 */
import { startIdleClient, startServer } from './processes';

/** Per-connection memory of one server. */
export interface MemoryResult {
  server: string;
  connections: number;
  rssPerConnection: number;
  heapPerConnection: number;
}

const BASELINE = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures one server in a fresh process started with `--expose-gc`. */
export async function measureIdleMemory(
  spec: { name: string; file: string; client: string; env?: Record<string, string> },
  connections: number,
  settleMs: number,
): Promise<MemoryResult> {
  const server = await startServer(spec.file, 'echo', ['--expose-gc'], spec.env);
  const sio = spec.client === 'sio-client.js';
  const client = startIdleClient(spec.client, sio ? `http://127.0.0.1:${server.port}` : `ws://127.0.0.1:${server.port}/echo`);
  try {
    await client.connect(BASELINE);
    await sleep(settleMs / 4);
    const before = await server.memory();
    await client.connect(connections);
    await sleep(settleMs); // let the last handshakes settle before collecting
    const after = await server.memory();
    const added = connections - BASELINE;
    return {
      server: spec.name,
      connections,
      rssPerConnection: (after.rss - before.rss) / added,
      heapPerConnection: (after.heapUsed - before.heapUsed) / added,
    };
  } finally {
    await client.stop();
    await server.stop();
  }
}
