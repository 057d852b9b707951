/**
 * @module bench/servers/cluster-node
 * One ws-controllers node (from `dist/`, or WSC_DIST) for the cross-node and mixed-load cases, on
 * `/room`: `?sub=1` joins room `bench` at connect; `publish` emits `tick` to the room, `echo` returns
 * its payload, `whoami` returns the client id, `send` `{to, n}` sends `direct` to that client id (on any
 * node) and returns what `ClientService.send` resolved. Variants: `memory`, and `redis` (RedisAdapter
 * on BENCH_REDIS_URL with key prefix BENCH_REDIS_PREFIX: nodes with the same prefix form one cluster).
 * BENCH_RECOVERY=1 turns session recovery on (the recovery case).
 */
import 'reflect-metadata';
import type { WsClient } from '../../../dist/index';
import { announce, ROOM, variant } from './control';

type Framework = typeof import('../../../dist/index');
type RedisModule = typeof import('../../../dist/redis/index');
const dist = process.env.WSC_DIST ?? '../../../dist/index';
/* eslint-disable @typescript-eslint/no-require-imports -- the build under test is picked at run time */
const framework = require(dist) as Framework;
const loadRedis = (): RedisModule =>
  require(`${dist.replace(/\/index(\.js)?$/, '')}/redis/index`) as RedisModule;
/* eslint-enable @typescript-eslint/no-require-imports */
const {
  bootstrap,
  ClientService,
  ConnectedClient,
  inject,
  Module,
  OnConnect,
  OnMessage,
  Payload,
  Query,
  RoomService,
} = framework;

@framework.WebSocketController('/room')
class RoomController {
  constructor(
    @inject(RoomService) private readonly rooms: InstanceType<typeof RoomService>,
    @inject(ClientService) private readonly clients: InstanceType<typeof ClientService>,
  ) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('sub') sub: string | undefined): Promise<void> | void {
    if (sub === '1') return client.join(ROOM);
  }

  @OnMessage('publish')
  publish(@Payload() payload: unknown): void {
    void this.rooms.to(ROOM).emit('tick', payload);
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient): string {
    return client.id;
  }

  @OnMessage('send')
  send(@Payload() payload: { to: string; n: number }): Promise<boolean> {
    return this.clients.send(payload.to, 'direct', payload.n);
  }
}

@Module({ controllers: [RoomController] })
class ClusterModule {}

const mode = variant();
if (mode !== 'memory' && mode !== 'redis') throw new Error(`unknown variant ${mode}`);
const url = process.env.BENCH_REDIS_URL;
if (mode === 'redis' && !url) throw new Error('the redis variant needs BENCH_REDIS_URL');
const adapter =
  mode === 'redis'
    ? new (loadRedis().RedisAdapter)({
        url,
        keyPrefix: process.env.BENCH_REDIS_PREFIX ?? 'bench',
        logger: false,
      })
    : undefined;

const recovery = process.env.BENCH_RECOVERY === '1' ? { windowMs: 120_000, maxPerRoom: 1_000 } : undefined;

void bootstrap(ClusterModule, { port: 0, host: '127.0.0.1', logger: false, adapter, recovery }).then((app) =>
  announce(app.port, () => app.close()),
);
