/**
 * Reliability (issue 15, item 8): no amplification from client-chosen strings. A long event name is
 * refused without being echoed, error messages quote at most 128 characters of client input, and what
 * the admin view and the metrics keep stays bounded however long the strings clients send.
 */
import { IsString } from 'class-validator';
import {
  bootstrap,
  Module,
  OnMessage,
  Payload,
  WebSocketController,
  WsException,
  type AdminSnapshot,
  type WsApp,
} from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { report } from './support/figures';

const TOKEN = 'amplification-admin-token';

class NoteDto {
  @IsString() text!: string;
}

@WebSocketController('/amp/:tag', { clientRooms: true })
class AmplifyController {
  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload ?? null;
  }

  @OnMessage('note')
  note(@Payload() note: NoteDto) {
    return note.text;
  }

  // Handlers that put client input into their errors, as real code does.
  @OnMessage('reject')
  reject(@Payload() text: string): never {
    throw new WsException('REJECTED', `cannot accept '${text}'`);
  }

  @OnMessage('crash')
  crash(@Payload() text: string): never {
    throw new Error(`crashed on ${text}`);
  }

  @OnMessage('coded')
  coded(@Payload() code: string): never {
    throw new WsException(code, 'custom code');
  }
}

@Module({ controllers: [AmplifyController] })
class AmplifyModule {}

let app: WsApp;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  app = await bootstrap(AmplifyModule, { ...testOptions, metrics: true, admin: { token: TOKEN, refreshMs: 50 } });
});

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await app.close({ timeoutMs: 1000 });
});

async function open(path = '/amp/t'): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  return socket;
}

/** The next error frame's text as it came over the wire. */
async function nextErrorFrame(socket: TestSocket, send: () => void): Promise<string> {
  const frame = socket.nextRaw();
  send();
  return (await frame).data.toString();
}

test('a 900 KB event name is BAD_MESSAGE and the reply does not repeat it', async () => {
  const socket = await open();
  const name = 'n'.repeat(900 * 1024);
  const text = await nextErrorFrame(socket, () => socket.send({ event: name, id: 1 }));
  report('amplification', { attack: '900 KB unknown event name', sentBytes: name.length, replyBytes: text.length });
  expect(text.length).toBeLessThan(512);
  expect(JSON.parse(text)).toMatchObject({ event: 'error', payload: { code: 'BAD_MESSAGE' }, id: 1 });
});

test('an event name of 256 characters is still an event; 257 is BAD_MESSAGE', async () => {
  const socket = await open();
  expect((await socket.request('e'.repeat(256))).payload).toMatchObject({ code: 'UNKNOWN_EVENT', event: 'e'.repeat(256) });
  expect((await socket.request('e'.repeat(257))).payload).toMatchObject({ code: 'BAD_MESSAGE' });
});

test('error messages quote at most 128 characters of client input', async () => {
  const socket = await open();
  const unknown = (await socket.request('u'.repeat(250))).payload as { message: string };
  expect(unknown.message.match(/u+/)?.[0].length).toBeLessThanOrEqual(128);
  const room = (await socket.request('join-room', 'r'.repeat(10_000))).payload as { code: string; message: string };
  expect(room.message.length).toBeLessThanOrEqual(256);
});

test('a 100 KB unknown key in a DTO payload is not sent back: VALIDATION_FAILED quotes 128 characters of it', async () => {
  const socket = await open();
  const key = 'k'.repeat(100 * 1024);
  const text = await nextErrorFrame(socket, () => socket.send({ event: 'note', payload: { text: 'hi', [key]: 1 }, id: 2 }));
  report('amplification', { attack: '100 KB unknown key in a DTO payload', sentBytes: key.length, replyBytes: text.length });
  expect(JSON.parse(text)).toMatchObject({ payload: { code: 'VALIDATION_FAILED' }, id: 2 });
  expect(text.length).toBeLessThan(1024);
});

test('the admin snapshot and the metrics stay bounded under long client-chosen strings', async () => {
  const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => open(`/amp/${String(i).padStart(4, '0')}${'p'.repeat(8000)}`)));
  const big = 'x'.repeat(200 * 1024);
  for (const [i, client] of clients.entries()) {
    // Each client makes every kind of error with a long string in it, and joins rooms with long names.
    await client.request('e'.repeat(900 * 1024));
    await client.request(`${i}${'u'.repeat(255)}`);
    await client.request('reject', big);
    await client.request('crash', big);
    await client.request('coded', `${i}${'C'.repeat(10_000)}`);
    for (let r = 0; r < 20; r++) await client.request('join-room', `${i}-${r}-${'r'.repeat(250)}`);
  }
  const feed = await connect(urlOf(app.port, `/admin?token=${TOKEN}`));
  sockets.push(feed);
  const snapshotFrame = (await feed.nextRaw()).data.toString();
  const snapshot = JSON.parse(snapshotFrame) as AdminSnapshot;
  const metrics = await app.metrics();
  report('amplification', {
    attack: '50 clients with long paths, event names, error messages, error codes and room names',
    snapshotBytes: snapshotFrame.length,
    metricsBytes: metrics.length,
    recentErrors: snapshot.errors.length,
  });
  expect(snapshot.totals.connections).toBeGreaterThanOrEqual(50); // the feed is not a client
  expect(snapshot.errors.length).toBeGreaterThan(0);
  for (const error of snapshot.errors) {
    expect(error.message.length).toBeLessThanOrEqual(256);
    expect(error.code.length).toBeLessThanOrEqual(256);
    expect((error.event ?? '').length).toBeLessThanOrEqual(256);
    expect(error.path.length).toBeLessThanOrEqual(256);
  }
  for (const c of snapshot.connections) {
    expect(c.path.length).toBeLessThanOrEqual(256);
    for (const room of c.rooms) expect(room.length).toBeLessThanOrEqual(256);
  }
  for (const room of snapshot.rooms) expect(room.name.length).toBeLessThanOrEqual(256);
  expect(snapshotFrame.length).toBeLessThan(256 * 1024);
  expect(metrics.length).toBeLessThan(256 * 1024);
});
