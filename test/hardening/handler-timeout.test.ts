import { bootstrap, ErrorCodes, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { HardenedModule } from './hardening-app';

let app: WsApp | undefined;

afterEach(async () => {
  await app?.close({ timeoutMs: 200 });
  app = undefined;
});

test('a handler that never settles answers HANDLER_TIMEOUT with the request id after handlerTimeoutMs', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, handlerTimeoutMs: 50 });
  const client = await connect(urlOf(app.port, '/h'));
  const reply = await client.request('never');
  expect(reply.event).toBe('error');
  expect(reply.payload).toMatchObject({ code: ErrorCodes.HANDLER_TIMEOUT, event: 'never' });
  expect((await client.request('echo', 'ok')).payload).toBe('ok');
  await client.close();
});

test('a handler that finishes in time is not affected by handlerTimeoutMs', async () => {
  app = await bootstrap(HardenedModule, { ...testOptions, handlerTimeoutMs: 2000 });
  const client = await connect(urlOf(app.port, '/h'));
  expect((await client.request('slow', 5)).payload).toEqual({ waited: 5 });
  await client.close();
});

test('handlerTimeoutMs as a function sets a timeout per handler', async () => {
  app = await bootstrap(HardenedModule, {
    ...testOptions,
    handlerTimeoutMs: (handler) => (handler.event === 'slow' ? 10 : undefined),
  });
  const client = await connect(urlOf(app.port, '/h'));
  expect((await client.request('slow', 500)).payload).toMatchObject({ code: 'HANDLER_TIMEOUT' });
  await client.close();
});
