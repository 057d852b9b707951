/**
 * A session recovery node in a child process (for SIGKILL tests). Argument: JSON of
 * `{ adapter: RedisAdapterOptions, recovery }`. Prints `{"port", "nodeId"}` once listening; exits when stdin closes.
 */
import 'reflect-metadata';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { RecoveryModule } from '../../recovery/fixture';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as { adapter: RedisAdapterOptions; recovery: object };
  const adapter = new RedisAdapter({ ...options.adapter, logger: false });
  const app = await bootstrap(RecoveryModule, {
    port: 0,
    host: '127.0.0.1',
    logger: false,
    adapter,
    recovery: options.recovery,
  });
  process.stdout.write(`${JSON.stringify({ port: app.port, nodeId: adapter.nodeId })}\n`);
  process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
