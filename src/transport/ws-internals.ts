/**
 * @module transport/ws-internals
 * Every use of `ws`'s private fields lives here, each behind a capability that is probed at start-up
 * against the installed `ws` (on a socket-less duplex, with ws's own code). A capability whose probe
 * fails is off: the transport then takes the public API (slower, never wrong) and logs one warning.
 * `WS_CONTROLLERS_NO_WS_INTERNALS=1` turns them all off.
 */
import WebSocket from 'ws';
import { probeWsInternals, type ProbeOutcome } from './ws-internals-probe';

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
  /** Why each capability that is off is off. */
  readonly off: Readonly<Partial<Record<FastPath, string>>>;
}

/** Name of one fast path. */
export type FastPath = 'preframe' | 'batch' | 'receiverBytes';

/** All fast paths off (the public-API-only behaviour). */
export const NO_FAST_PATHS: WsFastPaths = { preframe: false, batch: false, receiverBytes: false, off: {} };

/** A frame as ws's framer returns it: a header and the payload, or one buffer. */
export type FrameList = (Buffer | string)[];

interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): FrameList;
}

interface Internals {
  _sender: { _state: number; sendFrame(list: FrameList, cb?: () => void): void };
  _receiver: { _bufferedBytes: number; _messageLength: number; _numFragments: number };
}

const TEXT_FRAME = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };
const SENDER_IDLE = 0; // ws's Sender DEFAULT state: nothing queued behind compression or a blob

/** Heap one buffered fragment costs besides its payload (a Buffer view and its slot), measured on Node 20. */
export const FRAGMENT_COST = 128;

/** Probes the installed `ws` (unless turned off by the environment) and logs one warning for what failed. */
export async function detectFastPaths(warn: (off: Partial<Record<FastPath, string>>) => void): Promise<WsFastPaths> {
  if (process.env[NO_WS_INTERNALS_ENV] === '1') {
    const why = `${NO_WS_INTERNALS_ENV}=1`;
    return { preframe: false, batch: false, receiverBytes: false, off: { preframe: why, batch: why, receiverBytes: why } };
  }
  const outcome: ProbeOutcome = await probeWsInternals();
  if (Object.keys(outcome.off).length > 0) warn(outcome.off);
  return { preframe: outcome.preframe, batch: outcome.batch, receiverBytes: outcome.receiverBytes, off: outcome.off };
}

// ---- the hot-path accessors: called only when their capability was probed on -------------------

/** Frames a text message once with ws's own framer (unmasked, as servers send). Needs `preframe`. */
export function frameText(text: string): FrameList {
  return (WebSocket as unknown as { Sender: SenderStatic }).Sender.frame(Buffer.from(text), TEXT_FRAME);
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
