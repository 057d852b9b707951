import { bootstrap, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Received } from '../support/ws-test-client';
import { HardenedModule, Journal } from './hardening-app';

let app: WsApp;

beforeEach(async () => {
  app = await bootstrap(HardenedModule, testOptions);
});

afterEach(async () => {
  await app.close();
});

test('close() lets an in-flight handler finish and reply before closing clients with 1001', async () => {
  const client = await connect(urlOf(app.port, '/h'));
  const reply = client.request('slow', 150);
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the request reach the handler
  const closing = app.close({ timeoutMs: 3000 });
  expect((await reply).payload).toEqual({ waited: 150 });
  expect((await client.closed).code).toBe(1001);
  await closing;
  expect(app.get(Journal).finished).toEqual(['slow:150']);
});

test('close() refuses new upgrades with 503 while it drains', async () => {
  const client = await connect(urlOf(app.port, '/h'));
  client.send({ event: 'slow', payload: 300, id: 1 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const closing = app.close({ timeoutMs: 3000 });
  await expect(connect(urlOf(app.port, '/h'))).rejects.toMatchObject({ status: 503 });
  await closing;
});

test('close() resolves within its timeout even when a handler never settles', async () => {
  const client = await connect(urlOf(app.port, '/h'));
  client.send({ event: 'never', id: 1 });
  const received: Received[] = [];
  client.ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as Received));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await app.close({ timeoutMs: 400 });
  const closed = await client.closed;
  expect([1001, 1006]).toContain(closed.code);
  expect(received).toEqual([]);
});
