/**
 * @module bench/servers/storm
 * The reconnect-storm app: ws-controllers (from `dist/`, or WSC_DIST) with what a real app runs at
 * every upgrade: a global guard that wants a `token` in the query, and an `@OnConnect` that reads it
 * and joins the client to a room. Variants: `memory` (the default adapter) and `redis` (RedisAdapter
 * on BENCH_REDIS_URL, the runner's own redis-server).
 */
import 'reflect-metadata';
import type { WsClient } from '../../../dist/index';
import { announce, variant } from './control';

type Framework = typeof import('../../../dist/index');
type RedisModule = typeof import('../../../dist/redis/index');
const dist = process.env.WSC_DIST ?? '../../../dist/index';
/* eslint-disable @typescript-eslint/no-require-imports -- the build under test is picked at run time */
const { bootstrap, ConnectedClient, Module, OnConnect, Query, WebSocketController } = require(
  dist,
) as Framework;
const loadRedis = (): RedisModule =>
  require(`${dist.replace(/\/index(\.js)?$/, '')}/redis/index`) as RedisModule;
/* eslint-enable @typescript-eslint/no-require-imports */

@WebSocketController('/storm')
class StormController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string): Promise<void> {
    client.data['user'] = token;
    return client.join('storm');
  }
}

@Module({ controllers: [StormController] })
class StormModule {}

const mode = variant();
if (mode !== 'memory' && mode !== 'redis') throw new Error(`unknown variant ${mode}`);
const url = process.env.BENCH_REDIS_URL;
if (mode === 'redis' && !url) throw new Error('the redis variant needs BENCH_REDIS_URL');
const adapter =
  mode === 'redis'
    ? new (loadRedis().RedisAdapter)({ url, keyPrefix: `storm-${process.pid}`, logger: false })
    : undefined;

const tokenGuard = (ctx: { client: WsClient }): boolean => (ctx.client.query['token']?.length ?? 0) > 0;

void bootstrap(StormModule, {
  port: 0,
  host: '127.0.0.1',
  logger: false,
  adapter,
  guards: [tokenGuard],
}).then((app) => announce(app.port, () => app.close()));
