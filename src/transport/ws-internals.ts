/**
 * @module transport/ws-internals
 * Every use of `ws`'s private fields lives here, each behind a capability that is probed at start-up
 * against the installed `ws`: ws's own server code runs on an in-memory duplex (no network) and each
 * capability is checked by behaviour, not only by name (a prepared frame's bytes equal what `ws.send`
 * writes, `_bufferedBytes` tells a burst from a lone frame, the receiver's counters follow an unfinished
 * message). A capability whose probe fails is off: the transport then takes the public API (slower,
 * never wrong) and logs one warning. `WS_CONTROLLERS_NO_WS_INTERNALS=1` turns them all off.
 */
import { createHash, hash } from 'node:crypto';
import { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';

/** Environment variable that turns every internals-based fast path off. */
export const NO_WS_INTERNALS_ENV = 'WS_CONTROLLERS_NO_WS_INTERNALS';

/** Which internals-based fast paths the installed `ws` supports. */
export interface WsFastPaths {
  /** Fan-out writes one frame built by ws's framer to every recipient (`Sender.frame`, `_sender.sendFrame`, `_sender._state`). */
  readonly preframe: boolean;
  /** Writes caused by a burst of frames read in one chunk leave in one syscall (`_receiver._bufferedBytes`). */
  readonly batch: boolean;
  /** Bytes held in an unfinished message are read exactly (`_receiver._messageLength`, `_numFragments`). */
  readonly receiverBytes: boolean;
  /**
   * The key under which ws keeps a net socket's WebSocket (its private symbol), found by value; the
   * transport then adds no key of its own to each net socket. Absent: the transport uses its own.
   */
  readonly socketKey?: symbol | undefined;
  /**
   * A plain handshake (no subprotocol, no extension offered) is completed by the transport: the 101
   * written in one piece and the socket handed to the WebSocket's `setSocket` with ws's own server
   * options (`wss.options`), as ws's `completeUpgrade` does, without re-checking what was checked.
   */
  readonly upgrade: boolean;
  /** Why each capability that is off is off. */
  readonly off: Readonly<Partial<Record<FastPath, string>>>;
}

/** Name of one fast path. */
export type FastPath = 'preframe' | 'batch' | 'receiverBytes' | 'socketKey' | 'upgrade';

/** All fast paths off (the public-API-only behaviour). */
export const NO_FAST_PATHS: WsFastPaths = { preframe: false, batch: false, receiverBytes: false, upgrade: false, off: {} };

/** A frame as ws's framer returns it: a header and the payload, or one buffer. */
export type FrameList = (Buffer | string)[];

interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): FrameList;
}

interface Internals {
  setSocket(socket: Duplex, head: Buffer, options: object): void;
  _sender: { _state: number; sendFrame(list: FrameList, cb?: () => void): void };
  _receiver: { _bufferedBytes: number; _messageLength: number; _numFragments: number };
}

const NO_HANDSHAKE = 'ws did not complete a handshake on a duplex';
const TEXT_FRAME = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };
const SENDER_IDLE = 0; // ws's Sender DEFAULT state: nothing queued behind compression or a blob

/** Heap one buffered fragment costs besides its payload (a Buffer view and its slot), measured on Node 20. */
export const FRAGMENT_COST = 128;

/** Probes the installed `ws` (unless turned off by the environment) and logs one warning for what failed. */
export async function detectFastPaths(warn: (off: Partial<Record<FastPath, string>>) => void): Promise<WsFastPaths> {
  if (process.env[NO_WS_INTERNALS_ENV] === '1') {
    const why = `${NO_WS_INTERNALS_ENV}=1`;
    return { preframe: false, batch: false, receiverBytes: false, upgrade: false, off: { preframe: why, batch: why, receiverBytes: why, socketKey: why, upgrade: why } };
  }
  const outcome: ProbeOutcome = await probeWsInternals();
  if (Object.keys(outcome.off).length > 0) warn(outcome.off);
  const { preframe, batch, receiverBytes, socketKey, upgrade, off } = outcome;
  return { preframe, batch, receiverBytes, socketKey, upgrade, off };
}

// ---- the hot-path accessors: called only when their capability was probed on -------------------

/**
 * Frames a text message once with ws's own framer (unmasked, as servers send), header and payload in
 * one buffer: each recipient's write is then one chunk (one `write` instead of cork, two writes and a
 * `writev`, and half the entries in a corked socket's buffer). Needs `preframe`.
 */
export function frameText(text: string): FrameList {
  const list = (WebSocket as unknown as { Sender: SenderStatic }).Sender.frame(Buffer.from(text), TEXT_FRAME);
  return list.length === 2 ? [Buffer.concat([list[0] as Buffer, list[1] as Buffer])] : list;
}

/** Whether the socket's sender has nothing queued, so a frame may be written past it. Needs `preframe`. */
export function senderIdle(ws: WebSocket): boolean {
  return (ws as unknown as Internals)._sender._state === SENDER_IDLE;
}

/** Writes an already-built frame. Needs `preframe`. */
export function writeFrame(ws: WebSocket, list: FrameList): void {
  (ws as unknown as Internals)._sender.sendFrame(list);
}

/** Whether more bytes than the frame being handled wait in the chunk just read. Needs `batch`. */
export function moreBuffered(ws: WebSocket): boolean {
  return (ws as unknown as Internals)._receiver._bufferedBytes > 0;
}

/** Bytes the receiver holds for this socket: unparsed input plus the unfinished message. Needs `receiverBytes`. */
export function receiverHeldBytes(ws: WebSocket): number {
  const receiver = (ws as unknown as Partial<Internals>)._receiver;
  if (receiver === undefined || receiver === null) return 0;
  return receiver._bufferedBytes + receiver._messageLength + receiver._numFragments * FRAGMENT_COST;
}

/** The GUID RFC 6455 (section 1.3) appends to the client's key before hashing it. */
const KEY_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

// Node's one-shot hash (20.12+) makes no Hash object per handshake; older releases build one.
const sha1Base64: (text: string) => string =
  typeof hash === 'function' ? (text) => hash('sha1', text, 'base64') : (text) => createHash('sha1').update(text).digest('base64');

/** ws's merged server options (what its own `completeUpgrade` passes to the WebSocket). Needs `upgrade`. */
export function serverOptions(wss: WebSocketServer): object {
  return (wss as unknown as { options: object }).options;
}

/**
 * Completes a plain handshake already checked (method, Upgrade, key, version; no subprotocol and no
 * extension to negotiate) as ws's `completeUpgrade` does: the 101 in one write, then a `Socket` built
 * and attached by ws's `setSocket` with the server's options. Needs `upgrade`.
 */
export function completeUpgrade<T extends WebSocket>(Socket: new (address: null, protocols: undefined, options: object) => T, options: object, socket: Duplex, head: Buffer, key: string): T {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${sha1Base64(key + KEY_GUID)}\r\n\r\n`);
  const ws = new Socket(null, undefined, options);
  (ws as unknown as Internals).setSocket(socket, head, options);
  return ws;
}

// ---- the start-up probe ----------------------------------------------------------------------------

/** What the probe found: each capability on or off, and why it is off. */
interface ProbeOutcome {
  preframe: boolean;
  batch: boolean;
  receiverBytes: boolean;
  socketKey: symbol | undefined;
  upgrade: boolean;
  off: Partial<Record<FastPath, string>>;
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

const PROBE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const PROBE_MAX_PAYLOAD = 12_345;

interface Opened {
  ws: WebSocket;
  duplex: ProbeDuplex;
  wss: WebSocketServer;
  /** ws's own 101 response. */
  response: Buffer;
}

function open(): Opened {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: PROBE_MAX_PAYLOAD });
  const duplex = new ProbeDuplex();
  const req = {
    method: 'GET',
    url: '/',
    headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': PROBE_KEY, 'sec-websocket-version': '13' },
  };
  let opened: WebSocket | undefined;
  wss.handleUpgrade(req as never, duplex, Buffer.alloc(0), (ws) => (opened = ws));
  if (opened === undefined) throw new Error(NO_HANDSHAKE);
  return { ws: opened, duplex, wss, response: duplex.collected() };
}

const fields = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function checkPreframe(ws: WebSocket, duplex: ProbeDuplex): string | undefined {
  const Sender = (WebSocket as unknown as { Sender?: { frame?: unknown } }).Sender;
  if (typeof Sender?.frame !== 'function') return 'WebSocket.Sender.frame is missing';
  const sender = fields(fields(ws)._sender);
  if (typeof sender.sendFrame !== 'function') return '_sender.sendFrame is missing';
  if (sender._state !== 0) return `_sender._state is ${typeof sender._state}, not the idle number 0`;
  for (const text of ['{"event":"probe"}', `{"event":"probe","payload":"${'é'.repeat(100)}"}`, 'x'.repeat(70_000)]) {
    ws.send(text);
    const sent = duplex.collected();
    const list: unknown = frameText(text); // what fan-out writes, built the same way
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

// The one own symbol of the socket whose value is its WebSocket (ws's `kWebSocket`), or why there is none.
function findSocketKey(ws: WebSocket, duplex: ProbeDuplex): symbol | string {
  const keys = Object.getOwnPropertySymbols(duplex).filter((key) => (duplex as unknown as Record<symbol, unknown>)[key] === ws);
  if (keys.length !== 1) return `${keys.length} own symbols of the net socket hold its WebSocket, not 1`;
  return keys[0]!;
}

/**
 * The transport's own completion on a second duplex, against ws's on the first: the same 101 bytes, an
 * open WebSocket that reads the head's frame and frames what it sends as ws's does.
 */
async function checkUpgrade(opened: Opened): Promise<string | undefined> {
  const options = fields(serverOptions(opened.wss));
  if (options.maxPayload !== PROBE_MAX_PAYLOAD) return "the server's options are not at wss.options";
  if (typeof (WebSocket.prototype as unknown as Partial<Internals>).setSocket !== 'function') return 'WebSocket.prototype.setSocket is missing';
  const duplex = new ProbeDuplex();
  try {
    let message: unknown;
    const ws = completeUpgrade(WebSocket, options, duplex, clientFrame('head', true, 1), PROBE_KEY);
    ws.on('message', (data: Buffer) => (message = data.toString()));
    if (!duplex.collected().equals(opened.response)) return "the 101 response differs from ws's own";
    if (ws.readyState !== WebSocket.OPEN) return 'setSocket did not open the WebSocket';
    await new Promise((resolve) => setImmediate(resolve));
    if (message !== 'head') return 'a frame in the head did not arrive';
    duplex.collected();
    opened.duplex.collected();
    ws.send('probe');
    opened.ws.send('probe');
    if (!duplex.collected().equals(opened.duplex.collected())) return "a frame sent differs from ws's own";
    ws.terminate();
    return undefined;
  } finally {
    duplex.destroy();
  }
}

/** Runs every check on a fresh duplex socket; never throws. */
export async function probeWsInternals(): Promise<ProbeOutcome> {
  const outcome: ProbeOutcome = { preframe: false, batch: false, receiverBytes: false, socketKey: undefined, upgrade: false, off: {} };
  let socket: Opened | undefined;
  const attempt = async (name: Exclude<FastPath, 'socketKey'>, check: () => string | undefined | Promise<string | undefined>): Promise<void> => {
    let problem: string | undefined;
    try {
      problem = socket === undefined ? NO_HANDSHAKE : await check();
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
  await attempt('upgrade', () => checkUpgrade(socket!));
  const key = socket === undefined ? NO_HANDSHAKE : findSocketKey(socket.ws, socket.duplex);
  if (typeof key === 'symbol') outcome.socketKey = key;
  else outcome.off.socketKey = key;
  socket?.ws.terminate();
  socket?.duplex.destroy();
  return outcome;
}
