/**
 * @module bench/client/raw-upgrade
 * The cheapest client a server can meet: a TCP socket that writes one pre-built upgrade request and
 * waits for the `101` head, and afterwards counts the server's frames without decoding them. Storms and
 * large rooms use it so the load client (one core) costs a fraction of what `ws` clients would, and the
 * server, not the client, sets the pace.
 */
import { connect, type Socket } from 'node:net';

/** A handshake the server answered with something other than 101 (or a socket that failed first). */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number | 'error',
    detail: string,
  ) {
    super(`upgrade refused: ${status} ${detail}`);
  }
}

// Any valid key will do: servers check its shape, not that it is fresh.
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(host: string, port: number, path: string): Buffer {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`,
  );
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Opens one WebSocket connection on a raw socket; resolves once the `101` head arrived. `onFrames` then
 * gets the number of complete frames in every chunk that follows (the bytes after the head included).
 */
export function upgrade(
  port: number,
  path: string,
  onFrames?: (frames: number) => void,
  host = '127.0.0.1',
): Promise<Socket> {
  const bytes = request(host, port, path);
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, noDelay: true });
    let head: Buffer | undefined = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', (error) => fail(new UpgradeRefused('error', error.message)));
    socket.once('connect', () => socket.write(bytes));
    const counter = onFrames ? frameCounter(onFrames) : undefined;
    socket.on('data', (chunk: Buffer) => {
      if (head === undefined) return counter?.(chunk);
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end === -1) return;
      const status = Number(head.toString('latin1', 9, 12));
      if (status !== 101)
        return fail(new UpgradeRefused(status, head.toString('latin1', 0, Math.min(end, 200))));
      const rest = head.subarray(end + 4);
      head = undefined;
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // a reset after the handshake is the bench closing it
      resolve(socket);
      if (rest.length > 0) counter?.(rest);
    });
  });
}

/**
 * Counts complete text and binary server frames (unmasked) across chunk boundaries from their headers
 * alone: the payload is skipped, never read.
 */
export function frameCounter(onFrames: (frames: number) => void): (chunk: Buffer) => void {
  let skip = 0; // payload bytes of the current frame still to come
  let data = false; // whether the current frame is a text or binary one (pings are not counted)
  let partial: Buffer | undefined; // a header split across chunks
  return (input) => {
    let chunk = input;
    if (partial) {
      chunk = Buffer.concat([partial, chunk]);
      partial = undefined;
    }
    let offset = 0;
    let frames = 0;
    while (offset < chunk.length) {
      if (skip > 0) {
        const take = Math.min(skip, chunk.length - offset);
        skip -= take;
        offset += take;
        if (skip === 0 && data) frames++;
        continue;
      }
      if (chunk.length - offset < 2) break;
      const length7 = chunk[offset + 1]! & 0x7f;
      const headerLength = length7 === 126 ? 4 : length7 === 127 ? 10 : 2;
      if (chunk.length - offset < headerLength) break;
      const length =
        length7 === 126
          ? chunk.readUInt16BE(offset + 2)
          : length7 === 127
            ? Number(chunk.readBigUInt64BE(offset + 2))
            : length7;
      const opcode = chunk[offset]! & 0x0f;
      data = opcode === 1 || opcode === 2;
      offset += headerLength;
      if (length === 0) frames += data ? 1 : 0;
      else skip = length;
    }
    if (offset < chunk.length) partial = chunk.subarray(offset);
    if (frames > 0) onFrames(frames);
  };
}
