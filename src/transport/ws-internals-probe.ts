/**
 * @module transport/ws-internals-probe
 * The start-up check of the `ws` internals the fast paths use. It runs ws's own server code on an
 * in-memory duplex (no network) and checks behaviour, not only names: a prepared frame's bytes equal
 * what `ws.send` writes, `_bufferedBytes` tells a burst from a lone frame, and the receiver's counters
 * follow an unfinished message.
 */
import { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';

/** What the probe found: each capability on or off, and why it is off. */
export interface ProbeOutcome {
  preframe: boolean;
  batch: boolean;
  receiverBytes: boolean;
  off: Partial<Record<'preframe' | 'batch' | 'receiverBytes', string>>;
}

/** A duplex that records what is written to it and lets the probe push client bytes. */
class ProbeDuplex extends Duplex {
  writes: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.writes.push(Buffer.from(chunk));
    cb();
  }
  collected(): Buffer {
    const all = Buffer.concat(this.writes);
    this.writes = [];
    return all;
  }
}

/** A client frame with a zero mask (so its payload goes as is). */
function clientFrame(payload: string, fin: boolean, opcode: number): Buffer {
  const body = Buffer.from(payload);
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | body.length, 0, 0, 0, 0]), body]);
}

function open(): { ws: WebSocket; duplex: ProbeDuplex } {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const duplex = new ProbeDuplex();
  const req = {
    method: 'GET',
    url: '/',
    headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
  };
  let opened: WebSocket | undefined;
  wss.handleUpgrade(req as never, duplex, Buffer.alloc(0), (ws) => (opened = ws));
  if (opened === undefined) throw new Error('ws did not complete a handshake on a duplex');
  duplex.collected(); // the 101 response
  return { ws: opened, duplex };
}

const fields = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function checkPreframe(ws: WebSocket, duplex: ProbeDuplex): string | undefined {
  const Sender = (WebSocket as unknown as { Sender?: { frame?: unknown } }).Sender;
  if (typeof Sender?.frame !== 'function') return 'WebSocket.Sender.frame is missing';
  const sender = fields(fields(ws)._sender);
  if (typeof sender.sendFrame !== 'function') return '_sender.sendFrame is missing';
  if (sender._state !== 0) return `_sender._state is ${typeof sender._state}, not the idle number 0`;
  const frame = Sender.frame as (data: Buffer, options: object) => unknown;
  for (const text of ['{"event":"probe"}', `{"event":"probe","payload":"${'é'.repeat(100)}"}`, 'x'.repeat(70_000)]) {
    ws.send(text);
    const sent = duplex.collected();
    const list = frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
    if (!Array.isArray(list) || !list.every((part) => Buffer.isBuffer(part))) return 'Sender.frame returned something other than buffers';
    (sender.sendFrame as (l: unknown) => void).call(sender, list);
    const prepared = duplex.collected();
    if (!prepared.equals(sent)) return 'a prepared frame differs from what ws.send writes';
    if (sender._state !== 0) return '_sender._state does not stay idle after a plain send';
  }
  return undefined;
}

/** Pushes client bytes and waits until ws has handled them (or gives up). */
function feed(duplex: ProbeDuplex, bytes: Buffer): Promise<void> {
  duplex.push(bytes);
  return new Promise((resolve) => setImmediate(resolve));
}

async function checkBatch(ws: WebSocket, duplex: ProbeDuplex): Promise<string | undefined> {
  const seen: unknown[] = [];
  const listener = (): void => void seen.push(fields(fields(ws)._receiver)._bufferedBytes);
  ws.on('message', listener);
  await feed(duplex, Buffer.concat([clientFrame('a', true, 1), clientFrame('b', true, 1)]));
  ws.off('message', listener);
  if (seen.length !== 2) return `two frames in one chunk gave ${seen.length} messages`;
  if (typeof seen[0] !== 'number' || typeof seen[1] !== 'number') return '_receiver._bufferedBytes is not a number';
  if (!((seen[0] as number) > 0 && seen[1] === 0)) return '_receiver._bufferedBytes does not tell a burst from its last frame';
  return undefined;
}

async function checkReceiverBytes(ws: WebSocket, duplex: ProbeDuplex): Promise<string | undefined> {
  await feed(duplex, Buffer.concat([clientFrame('ab', false, 1), clientFrame('c', false, 0), clientFrame('d', false, 0)]));
  const receiver = fields(fields(ws)._receiver);
  const during = [receiver._messageLength, receiver._numFragments];
  if (typeof receiver._bufferedBytes !== 'number') return '_receiver._bufferedBytes is not a number';
  let message: unknown;
  ws.once('message', (data: Buffer) => (message = data.toString()));
  await feed(duplex, clientFrame('e', true, 0));
  const after = [receiver._messageLength, receiver._numFragments];
  if (message !== 'abcde') return 'a fragmented message did not arrive whole';
  if (during[0] !== 4 || during[1] !== 3) return '_receiver._messageLength/_numFragments do not count an unfinished message';
  if (after[0] !== 0 || after[1] !== 0) return '_receiver._messageLength/_numFragments are not reset after the message';
  return undefined;
}

/** Runs every check on a fresh duplex socket; never throws. */
export async function probeWsInternals(): Promise<ProbeOutcome> {
  const outcome: ProbeOutcome = { preframe: false, batch: false, receiverBytes: false, off: {} };
  let socket: { ws: WebSocket; duplex: ProbeDuplex } | undefined;
  const attempt = async (name: keyof ProbeOutcome['off'], check: () => string | undefined | Promise<string | undefined>): Promise<void> => {
    let problem: string | undefined;
    try {
      problem = socket === undefined ? 'ws did not complete a handshake on a duplex' : await check();
    } catch (err) {
      problem = `probe threw: ${(err as Error)?.message ?? String(err)}`;
    }
    if (problem === undefined) outcome[name] = true;
    else outcome.off[name] = problem;
  };
  try {
    socket = open();
  } catch {
    socket = undefined;
  }
  await attempt('preframe', () => checkPreframe(socket!.ws, socket!.duplex));
  await attempt('batch', () => checkBatch(socket!.ws, socket!.duplex));
  await attempt('receiverBytes', () => checkReceiverBytes(socket!.ws, socket!.duplex));
  socket?.ws.terminate();
  socket?.duplex.destroy();
  return outcome;
}
