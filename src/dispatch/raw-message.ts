/**
 * @module dispatch/raw-message
 * What `@RawMessage()` gives: the frame as text or bytes, converted only when asked.
 */

/** A frame that was binary, or text that is not an envelope. */
export class RawMessageData {
  constructor(
    private readonly data: string | Uint8Array,
    /** Whether the frame was binary. */
    readonly isBinary: boolean,
  ) {}

  /** The frame decoded as UTF-8 text. */
  text(): string {
    return typeof this.data === 'string' ? this.data : Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength).toString('utf8');
  }

  /** The frame's bytes. */
  bytes(): Uint8Array {
    return typeof this.data === 'string' ? Buffer.from(this.data, 'utf8') : this.data;
  }
}
