/**
 * A ws release that renames or drops an internal the fast paths use: simulated with an edited copy
 * of the installed ws loaded in its place. The start-up probe turns the matching fast path off, one
 * warning names it, and echo, bursts, awaited room broadcasts and the memory budget all still work
 * end to end over real sockets.
 */
import WebSocket from 'ws';
import * as Framework from 'ws-controllers';
import { FanoutModule } from './support/fanout-app';
import { RawPeer, frame } from '../reliability/support/raw-ws';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { captureLogger, type LogEntry } from './support/capture-logger';
import { patchedWs, type WsEdit } from './support/patched-ws';

interface Case {
  name: string;
  edits: WsEdit[];
  off: string[];
}

const cases: Case[] = [
  { name: 'WebSocket.Sender is no longer exported', edits: [{ file: 'index.js', from: /^WebSocket\.Sender = Sender;$/m, to: '' }], off: ['preframe'] },
  { name: "the sender's _state is renamed", edits: [{ file: 'lib/sender.js', from: /this\._state\b/, to: 'this._queueState' }], off: ['preframe'] },
  { name: "the receiver's _bufferedBytes is renamed", edits: [{ file: 'lib/receiver.js', from: /\._bufferedBytes\b/, to: '._pendingBytes' }], off: ['batch', 'receiverBytes'] },
  { name: "the receiver's fragment counter is renamed", edits: [{ file: 'lib/receiver.js', from: /\._numFragments\b/, to: '._fragmentCount' }], off: ['receiverBytes'] },
  { name: "ws's 101 response gains a header", edits: [{ file: 'lib/websocket-server.js', from: /'Connection: Upgrade',/, to: "'Connection: Upgrade',\n      'X-Ws-Release: next'," }], off: ['upgrade'] },
  { name: 'setSocket is renamed', edits: [{ file: 'lib/websocket.js', from: /\bsetSocket\(/g, to: 'attachSocket(' }, { file: 'lib/websocket-server.js', from: /\.setSocket\(/g, to: '.attachSocket(' }], off: ['upgrade'] },
  { name: 'ws keeps the WebSocket of a net socket under a string key', edits: [{ file: 'lib/constants.js', from: /kWebSocket: Symbol\('websocket'\)/, to: "kWebSocket: '__wsProbe'" }], off: ['socketKey'] },
];

/** Loads the framework and the test app against the edited ws. */
function loadWith(wsDir: string): { framework: typeof Framework; module: new () => unknown } {
  let loaded: { framework: typeof Framework; module: new () => unknown } | undefined;
  jest.isolateModules(() => {
    jest.doMock('ws', () => jest.requireActual(wsDir));
    const framework = jest.requireActual<typeof Framework>('ws-controllers');
    const app = jest.requireActual<{ FanoutModule: new () => unknown }>('./support/fanout-app');
    loaded = { framework, module: app.FanoutModule };
  });
  return loaded!;
}

function sendInOneChunk(socket: TestSocket, messages: unknown[]): void {
  const raw = (socket.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  raw.cork();
  for (const message of messages) socket.send(message);
  raw.uncork();
}

// The ws warnings only (a fresh module registry also makes the DTO fast path warn about a second
// class-transformer, which is that feature's business).
const warnings = (entries: LogEntry[]): LogEntry[] => entries.filter((e) => e.level === 'warn' && /^ws internals/.test(e.message ?? ''));
// Under WS_CONTROLLERS_NO_WS_INTERNALS=1 (a CI run) nothing is probed, so nothing is warned about.
const probing = process.env.WS_CONTROLLERS_NO_WS_INTERNALS !== '1';

describe.each(cases.map((c) => [c.name, c] as const))('when %s', (_name, c) => {
  let app: Framework.WsApp;
  let entries: LogEntry[];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const { framework, module } = loadWith(patchedWs(c.edits));
    const captured = captureLogger();
    entries = captured.entries;
    app = await framework.bootstrap(module as never, { port: 0, host: '127.0.0.1', logger: captured.logger, memoryBudgetBytes: 400_000 });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await app.close({ timeoutMs: 1000 });
  });

  const open = async (path: string): Promise<TestSocket> => {
    const socket = await connect(urlOf(app.port, path));
    sockets.push(socket);
    return socket;
  };

  (probing ? test : test.skip)('one warning names exactly the fast paths that are off', () => {
    expect(warnings(entries)).toHaveLength(1);
    expect(Object.keys(warnings(entries)[0]!.fields.off as object).sort()).toEqual(c.off);
  });

  test('replies to a burst read in one chunk all arrive, in order', async () => {
    const socket = await open('/echo');
    sendInOneChunk(socket, Array.from({ length: 16 }, (_, i) => ({ event: 'echo', payload: i, id: i })));
    await socket.waitFor((m) => m.id === 15);
    expect(socket.received.map((m) => m.payload)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  test('an awaited room broadcast resolves and reaches every member', async () => {
    const members = await Promise.all(Array.from({ length: 3 }, () => open('/room')));
    const reply = await members[0]!.request('publish', 'hello');
    expect(reply).toMatchObject({ event: 'publish', payload: 'sent' });
    for (const member of members) await member.waitFor((m) => m.event === 'tick' && m.payload === 'hello');
  });

  test('the memory budget still closes an unfinished message over it with 1009, and others go on', async () => {
    const bystander = await open('/echo');
    const peer = await RawPeer.open(app.port);
    expect((await peer.upgrade('/echo')).status).toBe(101);
    const chunk = Buffer.alloc(60_000, 0x61);
    await peer.write(frame({ opcode: 1, fin: false, payload: chunk }));
    for (let i = 0; i < 7; i++) await peer.write(frame({ opcode: 0, fin: false, payload: chunk }));
    const closed = await peer.closeCode();
    peer.destroy();
    expect(closed.code).toBe(1009);
    expect((await bystander.request('echo', 'still here')).payload).toBe('still here');
    expect(warnings(entries)).toHaveLength(probing ? 1 : 0);
  });
});

describe('with WS_CONTROLLERS_NO_WS_INTERNALS=1', () => {
  const before = process.env.WS_CONTROLLERS_NO_WS_INTERNALS;
  let app: Framework.WsApp;
  let entries: LogEntry[];

  beforeAll(async () => {
    process.env.WS_CONTROLLERS_NO_WS_INTERNALS = '1';
    const captured = captureLogger();
    entries = captured.entries;
    app = await Framework.bootstrap(FanoutModule, { port: 0, host: '127.0.0.1', logger: captured.logger });
  });

  afterAll(async () => {
    if (before === undefined) delete process.env.WS_CONTROLLERS_NO_WS_INTERNALS;
    else process.env.WS_CONTROLLERS_NO_WS_INTERNALS = before;
    await app.close({ timeoutMs: 1000 });
  });

  test('nothing is probed or warned about, and a broadcast is framed once per member by ws itself', async () => {
    expect(warnings(entries)).toEqual([]);
    const Sender = (WebSocket as unknown as { Sender: { frame(...args: unknown[]): unknown } }).Sender;
    const members = await Promise.all(Array.from({ length: 3 }, () => connect(urlOf(app.port, '/room'))));
    const frame = jest.spyOn(Sender, 'frame');
    try {
      await members[0]!.request('publish', 'plain');
      for (const member of members) await member.waitFor((m) => m.event === 'tick' && m.payload === 'plain');
      const unmasked = frame.mock.calls.filter((call) => !(call[1] as { mask?: boolean }).mask).length;
      expect(unmasked).toBe(3 + 1); // one per member, and the reply to the publisher
    } finally {
      frame.mockRestore();
      await Promise.all(members.map((m) => m.close()));
    }
  });
});
