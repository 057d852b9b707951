/**
 * A presence node in a child process (for SIGKILL tests). Argument: JSON of RedisAdapterOptions plus
 * `diffIntervalMs` and `recovery` (bootstrap's). Prints `{"port", "nodeId"}` once listening; exits when stdin closes.
 */
import 'reflect-metadata';
import { bootstrap, type BootstrapOptions } from 'ws-controllers';
import { RedisAdapter, type RedisAdapterOptions } from 'ws-controllers/redis';
import { PresenceModule } from '../../fixtures/presence-app';

async function main(): Promise<void> {
  const { diffIntervalMs, recovery, ...options } = JSON.parse(process.argv[2] ?? '{}') as RedisAdapterOptions & {
    diffIntervalMs?: number;
    recovery?: BootstrapOptions['recovery'];
  };
  const adapter = new RedisAdapter({ ...options, logger: false });
  const app = await bootstrap(PresenceModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery, presence: { diffIntervalMs } });
  process.stdout.write(`${JSON.stringify({ port: app.port, nodeId: adapter.nodeId })}\n`);
  process.stdin.on('end', () => void app.close().finally(() => process.exit(0)));
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
