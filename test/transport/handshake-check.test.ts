/**
 * The handshake check every transport runs before any gate, guard or `@OnConnect`: a malformed
 * Sec-WebSocket-Protocol, or a Sec-WebSocket-Extensions that ws would refuse with deflate on, gets a
 * JSON 400 that is logged and counted like every other refusal. Its verdicts agree with ws's own
 * parsers on a generated corpus.
 */
import fc from 'fast-check';
import { dirname, join } from 'node:path';
import { bootstrap, ConnectedClient, Module, OnConnect, OnMessage, Payload, WebSocketController, type WsApp, type WsClient } from 'ws-controllers';
import { handshakeProblemOf, type EngineObserver, type HandshakeCheckOptions } from 'ws-controllers/spi';
import { RawPeer } from '../reliability/support/raw-ws';
import { captureLogger } from './support/capture-logger';

const wsLib = join(dirname(require.resolve('ws/package.json')), 'lib');
const subprotocol = jest.requireActual<{ parse(header: string): Set<string> }>(join(wsLib, 'subprotocol.js'));
const extension = jest.requireActual<{ parse(header: string): Record<string, object[]> }>(join(wsLib, 'extension.js'));
const PerMessageDeflate = jest.requireActual<new (options: object) => { accept(offers: object[]): unknown }>(join(wsLib, 'permessage-deflate.js'));

const VALID = { upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
const check = (headers: Record<string, string>, options?: HandshakeCheckOptions): string | undefined =>
  handshakeProblemOf('GET', (name) => ({ ...VALID, ...headers })[name], options);

function wsAcceptsProtocols(value: string): boolean {
  try {
    subprotocol.parse(value);
    return true;
  } catch {
    return false;
  }
}

function wsAcceptsExtensions(value: string, serverNoContextTakeover: boolean): boolean {
  try {
    const offers = extension.parse(value);
    const deflate = offers['permessage-deflate'];
    if (deflate) new PerMessageDeflate({ serverNoContextTakeover, clientNoContextTakeover: true, isServer: true, maxPayload: 0 }).accept(deflate);
    return true;
  } catch {
    return false;
  }
}

// Header values built from the characters that matter to the grammar.
const pieces = ['chat', 'v2.json', 'permessage-deflate', 'x-webkit-deflate-frame', 'client_max_window_bits', 'server_max_window_bits',
  'client_no_context_takeover', 'server_no_context_takeover', 'foo', '10', '15', '7', '0x9', '"10"', '"1\\0"', '""', ' ', '\t', ',', ';', '=', '"', '\\', '@', 'é'];
const headerValue = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 9 }).map((parts) => parts.join('').trim());

test('Sec-WebSocket-Protocol verdicts agree with ws on 3,000 generated values', () => {
  let accepted = 0;
  fc.assert(
    fc.property(headerValue, (value) => {
      const ours = check({ 'sec-websocket-protocol': value }) === undefined;
      expect(ours).toBe(wsAcceptsProtocols(value));
      if (ours) accepted++;
    }),
    { numRuns: 3000 },
  );
  expect(accepted).toBeGreaterThan(150); // the corpus holds valid values too, not only garbage
});

test.each([true, false])('Sec-WebSocket-Extensions verdicts agree with ws on 3,000 generated values (serverNoContextTakeover %s)', (noTakeover) => {
  const options: HandshakeCheckOptions = { perMessageDeflate: { serverNoContextTakeover: noTakeover } };
  let accepted = 0;
  fc.assert(
    fc.property(headerValue, (value) => {
      const ours = check({ 'sec-websocket-extensions': value }, options) === undefined;
      expect(ours).toBe(wsAcceptsExtensions(value, noTakeover));
      if (ours) accepted++;
    }),
    { numRuns: 3000 },
  );
  expect(accepted).toBeGreaterThan(150);
});

test.each([
  ['permessage-deflate; client_max_window_bits', true],
  ['permessage-deflate; server_max_window_bits=10, permessage-deflate', true],
  ['permessage-deflate; client_max_window_bits="12"; server_no_context_takeover', true],
  ['x-custom; a=1, permessage-deflate', true],
  ['permessage-deflate; client_max_window_bits=16', false],
  ['permessage-deflate; foo', false],
  ['permessage-deflate; server_no_context_takeover; server_no_context_takeover', false],
  ['permessage-deflate;', false],
  ['permessage-deflate; server_max_window_bits', false],
])('extension header %j: acceptable %s, as ws decides', (value, acceptable) => {
  expect(wsAcceptsExtensions(value, true)).toBe(acceptable);
  expect(check({ 'sec-websocket-extensions': value }, { perMessageDeflate: { serverNoContextTakeover: true } }) === undefined).toBe(acceptable);
});

test('without deflate the extensions header is not looked at (ws ignores it too)', () => {
  expect(check({ 'sec-websocket-extensions': 'permessage-deflate; foo=' })).toBeUndefined();
});

// ---- end to end ----------------------------------------------------------------------------------

const journal = { connects: 0, gates: 0 };

@WebSocketController('/chat')
class ChatController {
  @OnConnect()
  connected(@ConnectedClient() _client: WsClient): void {
    journal.connects++;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }
}

@Module({ controllers: [ChatController] })
class ChatModule {}

const refused: Array<{ status: number; code: string }> = [];
const observer: EngineObserver = { refused: (_handshake, status, code) => void refused.push({ status, code }) };

async function upgrade(app: WsApp, extra: string[]): Promise<{ status: number; headers: string; body: string }> {
  const peer = await RawPeer.open(app.port);
  try {
    return await peer.upgrade('/chat', extra);
  } finally {
    peer.destroy();
  }
}

describe.each([false, true])('over a real socket (perMessageDeflate %s)', (deflate) => {
  let app: WsApp;
  let log: ReturnType<typeof captureLogger>;

  beforeAll(async () => {
    log = captureLogger();
    app = await bootstrap(ChatModule, {
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
      perMessageDeflate: deflate,
      observers: [observer],
      gates: [() => void journal.gates++],
    });
  });

  afterAll(() => app.close());

  beforeEach(() => {
    journal.connects = journal.gates = 0;
    refused.length = 0;
    log.entries.length = 0;
  });

  const malformed: Array<[string, string, string]> = [
    ['a space inside a protocol name', 'Sec-WebSocket-Protocol: chat v2', 'Invalid Sec-WebSocket-Protocol header'],
    ['a duplicated protocol', 'Sec-WebSocket-Protocol: chat, chat', 'Invalid Sec-WebSocket-Protocol header'],
    ['an empty protocol in the list', 'Sec-WebSocket-Protocol: chat,,v2', 'Invalid Sec-WebSocket-Protocol header'],
  ];
  if (deflate) {
    malformed.push(
      ['an unknown deflate parameter', 'Sec-WebSocket-Extensions: permessage-deflate; foo=bar', 'Invalid or unacceptable Sec-WebSocket-Extensions header'],
      ['a window of 16 bits', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=16', 'Invalid or unacceptable Sec-WebSocket-Extensions header'],
      ['an unterminated quoted value', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits="10', 'Invalid or unacceptable Sec-WebSocket-Extensions header'],
    );
  }

  test.each(malformed)('%s gets a JSON 400 before any gate or @OnConnect, logged and counted', async (_name, header, message) => {
    const head = await upgrade(app, [header]);
    expect(head.status).toBe(400);
    expect(head.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(head.body)).toEqual({ code: 'BAD_HANDSHAKE', message });
    expect(journal).toEqual({ connects: 0, gates: 0 });
    expect(refused).toEqual([{ status: 400, code: 'BAD_HANDSHAKE' }]);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'info', message: 'handshake refused', fields: expect.objectContaining({ status: 400, code: 'BAD_HANDSHAKE', reason: message }) }));
  });

  test('a well-formed protocol list and extension offer still open, and the first protocol is chosen', async () => {
    const head = await upgrade(app, ['Sec-WebSocket-Protocol: chat, v2.json', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits']);
    expect(head.status).toBe(101);
    expect(head.headers).toMatch(/sec-websocket-protocol: chat/i);
    expect(journal).toEqual({ connects: 1, gates: 1 });
    expect(refused).toEqual([]);
  });
});
