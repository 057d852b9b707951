import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { HardenedModule, Journal } from './hardening-app';

let app: WsApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('a peer that does not answer pings is terminated and @OnDisconnect runs with 1006', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, heartbeatIntervalMs: 40 });
  const silent = await connect(urlOf(app.port, '/h'), { autoPong: false });
  const closed = await silent.closed;
  await app.get(Journal).disconnected(1);
  expect(app.get(Journal).disconnects[0]!.code).toBe(1006);
  expect(closed.code).toBe(1006);
});

test('a peer that answers pings stays connected across many heartbeats', async () => {
  // 100 ms leaves a loaded machine time to pong; a close before the fifth ping fails at once.
  app = await bootstrap(HardenedModule, { ...testOptions, heartbeatIntervalMs: 100 });
  const client = await connect(urlOf(app.port, '/h'));
  let pings = 0;
  await new Promise<void>((resolve, reject) => {
    client.ws.on('ping', () => ++pings === 5 && resolve());
    client.ws.once('close', (code: number) => reject(new Error(`closed with ${code} after ${pings} pings`)));
  });
  expect(client.ws.readyState).toBe(client.ws.OPEN);
  expect((await client.request('echo', 'still here')).payload).toBe('still here');
  await client.close();
});

test('heartbeatIntervalMs 0 turns pings off', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, heartbeatIntervalMs: 0 });
  const client = await connect(urlOf(app.port, '/h'), { autoPong: false });
  let pinged = false;
  client.ws.on('ping', () => (pinged = true));
  // Several echo round trips give any (wrongly) started timer the chance to fire.
  for (let i = 0; i < 20; i++) await client.request('echo', i);
  expect(pinged).toBe(false);
  await client.close();
});
