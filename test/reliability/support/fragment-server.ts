/**
 * The server of the fragment-flood test, in its own process with a small heap:
 * `node --max-old-space-size=256 --expose-gc -r test/redis/support/ts-hook.js fragment-server.ts`.
 * Default options (the defaults are what is tested). Prints `{"port"}` once listening. `stats`
 * answers the settled heap (after full GCs) and the counts of opens, closes by code and refusals.
 */
import 'reflect-metadata';
import { getHeapStatistics } from 'node:v8';
import { bootstrap, Module, OnMessage, Payload, WebSocketController } from 'ws-controllers';
import type { EngineObserver } from 'ws-controllers/spi';

const counts = { open: 0, closes: {} as Record<number, number>, refused: {} as Record<number, number> };

const observer: EngineObserver = {
  opened: () => void counts.open++,
  closed: (_connection, code) => {
    counts.open--;
    counts.closes[code] = (counts.closes[code] ?? 0) + 1;
  },
  refused: (_handshake, status) => void (counts.refused[status] = (counts.refused[status] ?? 0) + 1),
};

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

@WebSocketController('/app')
class AppController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('stats')
  async stats(): Promise<unknown> {
    return { heapUsed: await settledHeap(), heapLimit: getHeapStatistics().heap_size_limit, ...counts };
  }
}

@Module({ controllers: [AppController] })
class FloodModule {}

bootstrap(FloodModule, { port: 0, host: '127.0.0.1', logger: false, observers: [observer] }).then(
  (app) => process.stdout.write(`${JSON.stringify({ port: app.port })}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(2);
  },
);
