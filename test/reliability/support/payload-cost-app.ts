/**
 * The server of the payload-cost test, in a child process of its own (so the measured event loop is
 * the app's alone, not Jest's): `node -r test/redis/support/ts-hook.js payload-cost-app.ts`. A DTO
 * handler limited to 1 message/s per client, and an echo. Prints `{"port"}` once listening; SIGTERM
 * closes it and prints `{"closed":true,"eventLoopMaxDelayMs"}`.
 */
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { IsInt, IsString } from 'class-validator';
import { bootstrap, Module, OnMessage, Payload, RateLimit, WebSocketController } from 'ws-controllers';

class ItemDto {
  @IsString() name!: string;
  @IsInt() count!: number;
}

@WebSocketController('/cost')
class CostController {
  @RateLimit({ points: 1, perMs: 1000 })
  @OnMessage('item')
  item(@Payload() item: ItemDto) {
    return item.name;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }
}

@Module({ controllers: [CostController] })
class CostModule {}

async function main(): Promise<void> {
  const app = await bootstrap(CostModule, { port: 0, host: '127.0.0.1', logger: false });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  process.once('SIGTERM', () => {
    loop.disable();
    void app.close({ timeoutMs: 1000 }).then(() => {
      process.stdout.write(`${JSON.stringify({ closed: true, eventLoopMaxDelayMs: Number((loop.max / 1e6).toFixed(1)) })}\n`);
      process.exit(0);
    });
  });
  process.stdout.write(`${JSON.stringify({ port: app.port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
