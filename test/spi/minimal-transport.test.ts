import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import WebSocket from 'ws';
import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, Query, RoomService, WebSocketController, WsException, type WsApp, type WsClient } from 'ws-controllers';
import { MinimalTransport } from './minimal-transport';

@WebSocketController('/echo')
class EchoController {
  constructor(private readonly rooms: RoomService) {}

  @OnConnect()
  connect(@Query('token') token: string | undefined): void {
    if (token !== 'ok') throw new WsException('UNAUTHORIZED', 'Bad token', { status: 401 });
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string): Promise<string> {
    await client.join(room);
    return room;
  }

  @OnMessage('shout')
  async shout(@Payload() text: string): Promise<void> {
    await this.rooms.to('lobby').emit('shouted', text);
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

function open(port: number, path: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(Object.assign(new Error('refused'), { status: res.statusCode, body: JSON.parse(body) as unknown })));
    });
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<{ event: string; payload?: unknown; id?: number }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { event: string })));
}

let app: WsApp;
beforeEach(async () => {
  app = await bootstrap(EchoModule, { port: 0, host: '127.0.0.1', logger: false, transport: new MinimalTransport() });
});
afterEach(async () => {
  await app.close();
});

test('a transport written against ws-controllers/spi alone serves a controller end to end', async () => {
  const ws = await open(app.port, '/echo?token=ok');
  const reply = next(ws);
  ws.send(JSON.stringify({ event: 'echo', payload: { text: 'hi' }, id: 1 }));
  expect(await reply).toEqual({ event: 'echo', payload: { text: 'hi' }, id: 1 });
  ws.close();
});

test('the engine refuses an upgrade through a custom transport with the status and JSON body of the refusal', async () => {
  await expect(open(app.port, '/echo?token=bad')).rejects.toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', message: 'Bad token' } });
  await expect(open(app.port, '/nowhere')).rejects.toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
});

test('room broadcasts go out through the transport prepare() and reach every member', async () => {
  const a = await open(app.port, '/echo?token=ok');
  const b = await open(app.port, '/echo?token=ok');
  for (const ws of [a, b]) {
    const joined = next(ws);
    ws.send(JSON.stringify({ event: 'join', payload: 'lobby', id: 1 }));
    await joined;
  }
  const got = Promise.all([next(a), next(b)]);
  a.send(JSON.stringify({ event: 'shout', payload: 'hello' }));
  expect(await got).toEqual([
    { event: 'shouted', payload: 'hello' },
    { event: 'shouted', payload: 'hello' },
  ]);
  a.close();
  b.close();
});

test('closing the app closes the custom transport clients with 1001', async () => {
  const ws = await open(app.port, '/echo?token=ok');
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  await app.close();
  expect(await closed).toBe(1001);
  app = await bootstrap(EchoModule, { port: 0, host: '127.0.0.1', logger: false, transport: new MinimalTransport() });
});

test('the custom transport imports nothing from the package but ws-controllers/spi', () => {
  const source = readFileSync(join(__dirname, 'minimal-transport.ts'), 'utf8');
  const imports = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
  expect(imports.filter((name) => !name.startsWith('node:') && name !== 'ws')).toEqual(['ws-controllers/spi']);
});

test('the "Writing a transport" docs show this very transport', () => {
  const docs = readFileSync(join(__dirname, '../../docs/runtimes.md'), 'utf8');
  const start = docs.indexOf('## Writing a transport');
  expect(start).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(docs.slice(start))?.[1];
  expect(block).toBe(readFileSync(join(__dirname, 'minimal-transport.ts'), 'utf8'));
});
