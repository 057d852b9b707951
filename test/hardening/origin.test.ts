import { bootstrap, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Refusal } from '../support/ws-test-client';
import { HardenedModule, Journal } from './hardening-app';

let app: WsApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options: BootstrapOptions): Promise<WsApp> {
  app = await bootstrap(HardenedModule, { ...testOptions, ...options });
  return app;
}

async function outcome(port: number, origin: string | undefined): Promise<number> {
  try {
    const socket = await connect(urlOf(port, '/h'), origin === undefined ? {} : { origin });
    await socket.close();
    return 101;
  } catch (error) {
    return (error as Refusal).status;
  }
}

test('an Origin outside allowedOrigins is refused with 403 before @OnConnect runs', async () => {
  const running = await start({ allowedOrigins: ['https://app.example.com'] });
  await expect(connect(urlOf(running.port, '/h'), { origin: 'https://evil.example.net' })).rejects.toMatchObject({
    status: 403,
    body: { code: 'ORIGIN_NOT_ALLOWED' },
  });
  expect(running.get(Journal).connects).toHaveLength(0);
});

test('an Origin listed in allowedOrigins is admitted', async () => {
  const running = await start({ allowedOrigins: ['https://app.example.com'] });
  expect(await outcome(running.port, 'https://app.example.com')).toBe(101);
});

test('origins are compared exactly (scheme, host and port)', async () => {
  const running = await start({ allowedOrigins: ['https://app.example.com'] });
  expect(await outcome(running.port, 'http://app.example.com')).toBe(403);
  expect(await outcome(running.port, 'https://app.example.com:8443')).toBe(403);
});

test('a handshake without Origin is admitted unless requireOrigin is set', async () => {
  const running = await start({ allowedOrigins: ['https://app.example.com'] });
  expect(await outcome(running.port, undefined)).toBe(101);
  await running.close();
  const strict = await start({ allowedOrigins: ['https://app.example.com'], requireOrigin: true });
  expect(await outcome(strict.port, undefined)).toBe(403);
});

test('allowedOrigins as a function decides per origin, and may be async', async () => {
  const running = await start({ allowedOrigins: async (origin) => origin.endsWith('.example.com') });
  expect(await outcome(running.port, 'https://a.example.com')).toBe(101);
  expect(await outcome(running.port, 'https://example.org')).toBe(403);
});

test('without allowedOrigins every origin is admitted (the documented default)', async () => {
  const running = await start({});
  expect(await outcome(running.port, 'https://anything.example')).toBe(101);
});
