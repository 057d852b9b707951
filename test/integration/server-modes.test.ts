import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootstrap, ConnectedClient, Module, OnMessage, Payload, WebSocketController, type WsClient } from 'ws-controllers';
import { ChatModule, ChatStore } from '../fixtures/chat-app';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';

@WebSocketController('/echo')
class EchoController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown, @ConnectedClient() client: WsClient) {
    return { payload, from: client.id };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

test('attached to an existing HTTP server, WebSockets share its port with plain HTTP, and close() leaves it open', async () => {
  const server: Server = createServer((_req, res) => res.end('plain http'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const app = await bootstrap(EchoModule, { server, logger: false });
  expect(app.port).toBe(port);
  expect(app.server).toBe(server);
  const socket = await connect(urlOf(port, '/echo'));
  expect((await socket.request('echo', 1)).payload).toMatchObject({ payload: 1 });
  expect(await httpGet(port, '/')).toEqual({ status: 200, body: 'plain http' });
  await app.close();
  expect((await socket.closed).code).toBe(1001);
  expect(server.listening).toBe(true);
  expect(await httpGet(port, '/')).toEqual({ status: 200, body: 'plain http' });
  await new Promise((r) => server.close(r));
});

test('an app on its own port frees the port on close and answers plain HTTP with 426', async () => {
  const app = await bootstrap(EchoModule, testOptions);
  const port = app.port;
  expect((await httpGet(port, '/')).status).toBe(426);
  await app.close();
  await expect(httpGet(port, '/')).rejects.toThrow();
});

test('two apps in one process have their own containers and singletons', async () => {
  const one = await bootstrap(ChatModule, testOptions);
  const two = await bootstrap(ChatModule, testOptions);
  try {
    expect(one.get(ChatStore)).toBe(one.get(ChatStore));
    expect(one.get(ChatStore)).not.toBe(two.get(ChatStore));
    const a = await connect(urlOf(one.port, '/chat?token=good'));
    const b = await connect(urlOf(two.port, '/chat?token=good'));
    await a.next('welcome');
    await b.next('welcome');
    expect(one.get(ChatStore).events).toEqual(['connect']);
    expect(two.get(ChatStore).events).toEqual(['connect']);
    await a.close();
    await b.close();
  } finally {
    await one.close();
    await two.close();
  }
});

test('50 concurrent clients with interleaved requests each get their own replies', async () => {
  const app = await bootstrap(EchoModule, testOptions);
  try {
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(urlOf(app.port, '/echo'))));
    const ids = await Promise.all(clients.map(async (c) => ((await c.request('echo', 'id')).payload as { from: string }).from));
    const rounds = await Promise.all(
      clients.map((client, i) => Promise.all(Array.from({ length: 20 }, (_, n) => client.request('echo', `${i}:${n}`)))),
    );
    rounds.forEach((replies, i) => {
      expect(replies.map((r) => (r.payload as { payload: string }).payload)).toEqual(Array.from({ length: 20 }, (_, n) => `${i}:${n}`));
      expect(replies.every((r) => (r.payload as { from: string }).from === ids[i])).toBe(true);
    });
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await app.close();
  }
});

test('close() twice is safe and a second close resolves', async () => {
  const app = await bootstrap(EchoModule, testOptions);
  await Promise.all([app.close(), app.close()]);
  await app.close();
});
