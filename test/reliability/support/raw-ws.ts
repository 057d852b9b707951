/**
 * A raw WebSocket peer over `net`: a hand-built handshake and hand-built frames, so tests can send
 * what no well-behaved client library would (reserved bits, oversized control frames, bad UTF-8...).
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';

/** Fields of one frame to build. */
export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  rsv?: number;
  /** Clients must mask; `false` sends an unmasked frame. */
  mask?: boolean;
  /** Overrides the declared length (to lie about it). */
  declaredLength?: number;
}

/** Encodes one frame. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const length = spec.declaredLength ?? payload.length;
  const masked = spec.mask !== false;
  const head: number[] = [((spec.fin === false ? 0 : 1) << 7) | ((spec.rsv ?? 0) << 4) | spec.opcode];
  const maskBit = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
  }
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** The start of an HTTP response. */
export interface HttpHead {
  status: number;
  headers: string;
  body: string;
}

/** A raw TCP peer that speaks (or abuses) the WebSocket protocol. */
export class RawPeer {
  private buffered = Buffer.alloc(0);
  private onData: (() => void) | undefined;
  readonly ended: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.onData?.();
    });
    socket.on('error', () => undefined); // resets are expected in these tests
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Opens a TCP connection to the port. */
  static open(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(port, '127.0.0.1', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request head (lines without the final blank line) and reads the response head. */
  async request(lines: string[]): Promise<HttpHead> {
    this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    return this.readHead();
  }

  /** A valid upgrade for `path`; resolves with the 101 (or the refusal). */
  upgrade(path: string, extra: string[] = []): Promise<HttpHead> {
    return this.request([
      `GET ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...extra,
    ]);
  }

  private async readHead(): Promise<HttpHead> {
    let end = this.buffered.indexOf('\r\n\r\n');
    while (end === -1) {
      await this.more();
      end = this.buffered.indexOf('\r\n\r\n');
    }
    const headers = this.buffered.subarray(0, end).toString();
    this.buffered = this.buffered.subarray(end + 4);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
    let body = '';
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    if (status !== 101 && length > 0) {
      while (this.buffered.length < length) await this.more();
      body = this.buffered.subarray(0, length).toString();
      this.buffered = this.buffered.subarray(length);
    }
    return { status, headers, body };
  }

  /** Resolves when more bytes arrived; rejects when the socket closed first. */
  private more(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new Error('socket closed'));
      const done = (): void => {
        this.onData = undefined;
        this.socket.off('close', closed);
        resolve();
      };
      const closed = (): void => {
        this.onData = undefined;
        reject(new Error('socket closed'));
      };
      this.onData = done;
      this.socket.once('close', closed);
    });
  }

  /** Writes bytes, resolving when the kernel took them (or the peer is gone). */
  write(data: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /**
   * Reads server frames until a close frame (returns its code) or the end of the connection
   * (returns 1006, as a client library would report it). Other frames are counted.
   */
  async closeCode(): Promise<{ code: number; reason: string; framesBefore: number }> {
    let framesBefore = 0;
    for (;;) {
      const parsed = this.takeFrame();
      if (parsed) {
        if (parsed.opcode === 0x8) {
          const code = parsed.payload.length >= 2 ? parsed.payload.readUInt16BE(0) : 1005;
          return { code, reason: parsed.payload.subarray(2).toString(), framesBefore };
        }
        framesBefore++;
        continue;
      }
      try {
        await this.more();
      } catch {
        return { code: 1006, reason: '', framesBefore };
      }
    }
  }

  /** Reads `n` server frames (e.g. pongs); rejects if the connection ends first. */
  async readFrames(n: number): Promise<void> {
    for (let read = 0; read < n; ) {
      if (this.takeFrame()) read++;
      else await this.more();
    }
  }

  /** Parses one unmasked server frame from the buffer, if complete. */
  takeFrame(): { opcode: number; payload: Buffer } | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    const payload = b.subarray(offset, offset + length);
    this.buffered = b.subarray(offset + length);
    return { opcode: b[0]! & 0x0f, payload };
  }

  destroy(): void {
    this.socket.destroy();
  }
}
