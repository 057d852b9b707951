/**
 * @module bench/servers/ws-controllers
 * ws-controllers from its compiled output (`dist/`), built with tsc so decorator metadata is real.
 * Variants: `echo` (payload untyped), `echo-dto` (validated `EchoDto`), `fan` (room fan-out).
 */
import 'reflect-metadata';
// The framework's own class-validator copy, so DTO metadata lands where the framework reads it.
import { IsInt, IsString, Length, Min } from '../../../node_modules/class-validator';
import type { WsClient } from '../../../dist/index';

// WSC_DIST points at another build (e.g. a baseline copy of dist/) for before/after runs.
type Framework = typeof import('../../../dist/index');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build under test is picked at run time
const framework = require(process.env.WSC_DIST ?? '../../../dist/index') as Framework;
const {
  bootstrap,
  ConnectedClient,
  inject,
  Module,
  OnConnect,
  OnMessage,
  Payload,
  Query,
  RoomService,
  WebSocketController,
} = framework;
import { announce, ROOM, variant } from './control';

/** The bench payload, validated. */
class EchoDto {
  @IsString()
  @Length(1, 64)
  text!: string;

  @IsInt()
  @Min(0)
  n!: number;
}

@WebSocketController('/echo')
class EchoController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
}

@WebSocketController('/echo')
class EchoDtoController {
  @OnMessage('echo')
  echo(@Payload() payload: EchoDto): EchoDto {
    return payload;
  }
}

@WebSocketController('/fan')
class FanController {
  constructor(@inject(RoomService) private readonly rooms: InstanceType<typeof RoomService>) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('sub') sub: string | undefined): Promise<void> | void {
    if (sub === '1') return client.join(ROOM);
  }

  @OnMessage('publish')
  publish(@Payload() payload: unknown): void {
    void this.rooms.to(ROOM).emit('tick', payload);
  }
}

const mode = variant();
const controllers =
  mode === 'echo-dto' ? [EchoDtoController] : mode === 'fan' ? [FanController] : [EchoController];

@Module({ controllers })
class BenchModule {}

// On Bun and Deno (the runner's runtime rows) the same app runs on that runtime's transport.
const runtime = globalThis as { Bun?: unknown; Deno?: unknown };
const distDir = (process.env.WSC_DIST ?? '../../../dist/index').replace(/\/index(\.js)?$/, '');
/* eslint-disable @typescript-eslint/no-require-imports -- the transport matching the runtime is picked at run time */
const transport = runtime.Bun
  ? (require(`${distDir}/bun/index`) as typeof import('../../../dist/bun/index')).bunTransport()
  : runtime.Deno
    ? (require(`${distDir}/deno/index`) as typeof import('../../../dist/deno/index')).denoTransport()
    : undefined;
/* eslint-enable @typescript-eslint/no-require-imports */

void bootstrap(BenchModule, { port: 0, host: '127.0.0.1', logger: false, transport }).then((app) =>
  announce(app.port, () => app.close()),
);
