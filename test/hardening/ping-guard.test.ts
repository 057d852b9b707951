import { bootstrap, type WsApp } from 'ws-controllers';
import { PingGuard } from '../../src/transport/ping-guard';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { HardenedModule } from './hardening-app';

let app: WsApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Sends `n` pings, each after the previous pong (so ws's own burst limit never triggers). */
async function pingPaced(ws: import('ws').WebSocket, n: number): Promise<void> {
  for (let i = 0; i < n && ws.readyState === ws.OPEN; i++) {
    await new Promise<void>((resolve) => {
      // Both listeners go once either fires: a close listener left behind per ping piles up on the socket.
      const done = (): void => {
        ws.off('pong', done);
        ws.off('close', done);
        resolve();
      };
      ws.on('pong', done);
      ws.on('close', done);
      ws.ping();
    });
  }
}

test('a client sending more than maxPingsPer10s pings is closed with 1008', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, maxPingsPer10s: 20 });
  const client = await connect(urlOf(app.port, '/h'));
  await pingPaced(client.ws, 25);
  expect(await client.closed).toEqual({ code: 1008, reason: 'Too many pings' });
});

test('the default allows 100 pings per 10 s', async () => {
  app = await bootstrap(HardenedModule, testOptions);
  const client = await connect(urlOf(app.port, '/h'));
  await pingPaced(client.ws, 100);
  expect((await client.request('echo', 'ok')).payload).toBe('ok');
  await pingPaced(client.ws, 1);
  expect((await client.closed).code).toBe(1008);
});

test('the ping budget renews every 10 s window', () => {
  const guard = new PingGuard<object>(2);
  const socket = {};
  expect([guard.allow(socket, 0), guard.allow(socket, 1), guard.allow(socket, 2)]).toEqual([true, true, false]);
  expect(guard.allow(socket, 10_000)).toBe(true);
});
