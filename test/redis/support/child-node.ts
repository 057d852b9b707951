/**
 * One cluster node in a child process (for SIGKILL / SIGSTOP tests). Argument: JSON of
 * RedisAdapterOptions (with `recovery`: the app's session recovery option). Prints `{"port", "nodeId"}` once listening; exits when stdin closes.
 */
import 'reflect-metadata';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';

async function main(): Promise<void> {
  const { recovery, ...options } = JSON.parse(process.argv[2] ?? '{}') as RedisAdapterOptions & {
    recovery?: boolean | object;
  };
  const adapter = new RedisAdapter({ ...options, logger: false });
  const app = await bootstrap(ContractModule, {
    port: 0,
    host: '127.0.0.1',
    logger: false,
    adapter,
    recovery,
  });
  process.stdout.write(`${JSON.stringify({ port: app.port, nodeId: adapter.nodeId })}\n`);
  process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
