/** An in-memory TransportSocket that records what the core writes to it. */
import type { PreparedFrame, TransportSocket } from '../../src/spi/transport';

export class FakeSocket implements TransportSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly prepared: PreparedFrame[] = [];
  closedWith?: { code?: number; reason?: string };

  sendText(text: string): void {
    this.sent.push(text);
  }
  sendBinary(data: Uint8Array): void {
    this.sent.push(`<binary ${data.length}>`);
  }
  sendPrepared(frame: PreparedFrame): void {
    this.prepared.push(frame);
    this.sent.push(frame.text);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
  /** The parsed messages sent so far. */
  messages(): Array<{ event: string; payload?: unknown; id?: unknown }> {
    return this.sent.filter((s) => s.startsWith('{')).map((s) => JSON.parse(s) as { event: string });
  }
}
