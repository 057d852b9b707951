/**
 * Reliability 2: hostile handshakes. Each is answered with an HTTP error, never opens a connection
 * (no `opened` observer call, no `@OnConnect`), and the server keeps serving.
 */
import { bootstrap, type WsApp } from 'ws-controllers';
import type { EngineObserver } from '../../src/engine/connection-engine';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';
import { report } from './support/figures';
import { RawPeer } from './support/raw-ws';
import { Journal, ReliabilityModule } from './support/reliability-app';

let app: WsApp;
let opened = 0;

beforeAll(async () => {
  const observer: EngineObserver = { opened: () => void opened++ };
  app = await bootstrap(ReliabilityModule, { ...testOptions, allowedOrigins: ['https://app.example.com'], observers: [observer] });
});

afterAll(async () => {
  await app.close({ timeoutMs: 1000 });
});

/** 2,000 distinct two-letter header names, as in the ws advisory GHSA-3h5v-q93c-6h6q. */
function manyHeaders(): string[] {
  const chars = "!#$%&'*+-.0123456789abcdefghijklmnopqrstuvwxyz^_`|~".split('');
  const lines: string[] = [];
  for (const a of chars) for (const b of chars) if (lines.length < 2000) lines.push(`${a}${b}: x`);
  return lines;
}

const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE = ['Upgrade: websocket', 'Connection: Upgrade'];

interface Case {
  name: string;
  expected: number;
  lines: string[];
  why: string;
}

const cases: Case[] = [
  {
    name: '2,000 headers before the upgrade headers',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...manyHeaders(), ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13'],
    why: "llhttp still sees the upgrade, but req.headers keeps only the first 2,000 (maxHeadersCount): Upgrade is missing, the handshake check answers 400 (ws < 8.17.1 crashed here)",
  },
  {
    name: '2,000 headers between Upgrade and Sec-WebSocket-Key',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, ...manyHeaders(), KEY, 'Sec-WebSocket-Version: 13'],
    why: 'the key is dropped past the 2,000th header; the handshake check answers 400',
  },
  {
    name: '4,000 long headers (over 16 KiB)',
    expected: 431,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', ...Array.from({ length: 4000 }, (_, i) => `x-filler-${i}: ${'v'.repeat(8)}`)],
    why: "Node's HTTP parser refuses headers over --max-http-header-size (16 KiB) with 431 before any app code",
  },
  {
    name: 'Sec-WebSocket-Key that is not 16 bytes of base64',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, 'Sec-WebSocket-Key: not-a-key', 'Sec-WebSocket-Version: 13'],
    why: 'RFC 6455 4.2.1',
  },
  {
    name: 'missing Sec-WebSocket-Key',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, 'Sec-WebSocket-Version: 13'],
    why: 'RFC 6455 4.2.1',
  },
  {
    name: 'unsupported Sec-WebSocket-Version',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 99'],
    why: 'RFC 6455 4.4',
  },
  {
    name: 'POST instead of GET',
    expected: 400,
    lines: ['POST /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', 'Content-Length: 0'],
    why: 'RFC 6455 4.1',
  },
  {
    name: 'a Sec-WebSocket-Protocol with a space inside a name',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', 'Origin: https://app.example.com', 'Sec-WebSocket-Protocol: chat v2'],
    why: 'RFC 6455 4.1 (a token list): refused by the handshake check before @OnConnect (ws refused it only after)',
  },
  {
    name: 'a duplicated Sec-WebSocket-Protocol',
    expected: 400,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', 'Origin: https://app.example.com', 'Sec-WebSocket-Protocol: chat, chat'],
    why: 'ws refuses duplicates; the handshake check does so before @OnConnect',
  },
  {
    name: 'Origin not in allowedOrigins',
    expected: 403,
    lines: ['GET /r?token=t HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', 'Origin: https://evil.example.net'],
    why: 'the origin gate runs before @OnConnect',
  },
  {
    name: 'missing token',
    expected: 401,
    lines: ['GET /r HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13', 'Origin: https://app.example.com'],
    why: "the app's @OnConnect throws WsException(status 401)",
  },
  {
    name: 'unknown path',
    expected: 404,
    lines: ['GET /nowhere HTTP/1.1', 'Host: 127.0.0.1', ...UPGRADE, KEY, 'Sec-WebSocket-Version: 13'],
    why: 'no controller serves it',
  },
];

test.each(cases.map((c) => [c.name, c] as const))('%s is refused with the expected status and opens nothing', async (_name, c) => {
  const connectsBefore = app.get(Journal).connects;
  const openedBefore = opened;
  const peer = await RawPeer.open(app.port);
  const head = await peer.request(c.lines);
  peer.destroy();
  report('bad-handshakes', { case: c.name, expected: c.expected, got: head.status, why: c.why });
  expect(head.status).toBe(c.expected);
  expect(opened).toBe(openedBefore);
  expect(app.get(Journal).connects).toBe(connectsBefore);
});

test('after 200 rounds of every bad handshake the server still accepts a good one', async () => {
  const started = Date.now();
  for (let round = 0; round < 200; round++) {
    const statuses = await Promise.all(
      cases.map(async (c) => {
        const peer = await RawPeer.open(app.port);
        const head = await peer.request(c.lines);
        peer.destroy();
        return head.status;
      }),
    );
    expect(statuses).toEqual(cases.map((c) => c.expected));
  }
  expect(opened).toBe(0);
  const client = await connect(urlOf(app.port, '/r?token=t'), { origin: 'https://app.example.com' });
  expect((await client.request('echo', 'alive')).payload).toBe('alive');
  await client.close();
  report('bad-handshakes', { rounds: 200, handshakes: 200 * cases.length, seconds: (Date.now() - started) / 1000, opened: 0 });
});
