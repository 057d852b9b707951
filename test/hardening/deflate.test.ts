import WebSocket from 'ws';
import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { resolveDeflate } from '../../src/transport/deflate';
import { HardenedModule } from './hardening-app';

let app: WsApp | undefined;

/** The Sec-WebSocket-Extensions the server answered with. */
function acceptedExtensions(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(urlOf(port, '/h'), { perMessageDeflate: true });
    ws.once('upgrade', (res) => {
      resolve(String(res.headers['sec-websocket-extensions']));
      ws.once('open', () => ws.close());
    });
    ws.once('error', reject);
  });
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('permessage-deflate is off by default even when the client offers it', async () => {
  app = await bootstrap(HardenedModule, testOptions);
  const client = await connect(urlOf(app.port, '/h'), { perMessageDeflate: true });
  expect(client.ws.extensions).toBe('');
  await client.close();
});

test('perMessageDeflate: true negotiates compression without context takeover', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, perMessageDeflate: true });
  const client = await connect(urlOf(app.port, '/h'), { perMessageDeflate: true });
  expect(client.ws.extensions).toBe('permessage-deflate');
  expect(await acceptedExtensions(app.port)).toMatch(/permessage-deflate;.*server_no_context_takeover/);
  const big = 'x'.repeat(50_000);
  expect((await client.request('echo', big)).payload).toBe(big);
  await client.close();
});

test('perMessageDeflate with settings serves compressed replies to several clients at once', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, perMessageDeflate: { concurrencyLimit: 2, threshold: 0 } });
  const clients = await Promise.all(Array.from({ length: 4 }, () => connect(urlOf(app!.port, '/h'), { perMessageDeflate: true })));
  const replies = await Promise.all(clients.map((c, i) => c.request('echo', `${i}`.repeat(5000))));
  expect(replies.map((r) => (r.payload as string).length)).toEqual([5000, 5000, 5000, 5000]);
  await Promise.all(clients.map((c) => c.close()));
});

test('perMessageDeflate: true caps concurrent zlib jobs at 10 and custom settings pass through', () => {
  expect(resolveDeflate(undefined)).toBe(false);
  expect(resolveDeflate(true)).toMatchObject({ concurrencyLimit: 10, threshold: 1024, serverNoContextTakeover: true, clientNoContextTakeover: true });
  expect(resolveDeflate({ concurrencyLimit: 2, threshold: 0 })).toMatchObject({ concurrencyLimit: 2, threshold: 0 });
});
