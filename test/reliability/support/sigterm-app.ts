/**
 * A node whose shutdown is the README's SIGTERM recipe, verbatim, for a child process
 * (`node -r test/redis/support/ts-hook.js sigterm-app.ts <redis url>`). Prints `{"port"}` once
 * listening. The exit code tells the test whether `app.close()` resolved (0) or not (a rejection
 * left unhandled ends Node with 1).
 */
import 'reflect-metadata';
import { bootstrap } from 'ws-controllers';
import { RedisAdapter } from 'ws-controllers/redis';
import { ContractModule } from '../../adapter/contract-app';

async function main(): Promise<void> {
  const adapter = new RedisAdapter({ url: process.argv[2], logger: false });
  const app = await bootstrap(ContractModule, { port: 0, host: '127.0.0.1', logger: false, adapter });
  process.once('SIGTERM', () => void app.close({ timeoutMs: 10_000 }).then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ port: app.port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
