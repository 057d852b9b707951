import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { HardenedModule } from './hardening-app';

let app: WsApp | undefined;

afterEach(async () => {
  await app?.close({ timeoutMs: 200 });
  app = undefined;
});

test('an @OnConnect that does not finish within handshakeTimeoutMs refuses with 503 HANDSHAKE_TIMEOUT', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, handshakeTimeoutMs: 50 });
  await expect(connect(urlOf(app.port, '/h?token=hang'))).rejects.toMatchObject({ status: 503, body: { code: 'HANDSHAKE_TIMEOUT' } });
});

test('a timed-out handshake gives its connection slot back', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, handshakeTimeoutMs: 50, maxConnections: 1 });
  await expect(connect(urlOf(app.port, '/h?token=hang'))).rejects.toMatchObject({ status: 503, body: { code: 'HANDSHAKE_TIMEOUT' } });
  const client = await connect(urlOf(app.port, '/h'));
  await client.close();
});
