/**
 * @module sample-app/main
 * `npm run sample`: starts the chat on PORT (default 3000), with Redis when REDIS_URL is set.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import type { Logger } from 'ws-controllers';
import { startChatServer } from './server';

// Compiled to sample-app/dist/sample-app/src/main.js: three levels up is sample-app/.
const SAMPLE_ROOT = join(__dirname, '..', '..', '..');

// The framework only speaks up when something goes wrong; the start line below is ours.
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (fields: object | string, message?: string) => console.warn(message ?? fields, typeof fields === 'string' ? '' : fields),
  error: (fields: object | string, message?: string) => console.error(message ?? fields, typeof fields === 'string' ? '' : fields),
};

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const redisUrl = process.env.REDIS_URL || undefined;
  const chat = await startChatServer({
    port,
    redisUrl,
    staticDirs: [join(SAMPLE_ROOT, 'public'), join(SAMPLE_ROOT, 'dist', 'public')],
    logger,
  });
  console.log(`Chat ready on ${chat.url} (state: ${chat.stores.kind}${redisUrl ? ` at ${redisUrl}` : ''})`);

  const stop = (): void => {
    chat.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('The chat could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
