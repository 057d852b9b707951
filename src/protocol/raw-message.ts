/**
 * @module protocol/raw-message
 * What `@RawMessage()` gives: the frame as text or bytes, converted only when asked.
 */

// Web-standard codecs keep this runtime-neutral (Node, Bun, Deno).
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A frame that was binary, or text that is not an envelope. */
export class RawMessageData {
  constructor(
    private readonly data: string | Uint8Array,
    /** Whether the frame was binary. */
    readonly isBinary: boolean,
  ) {}

  /** The frame decoded as UTF-8 text. */
  text(): string {
    return typeof this.data === 'string' ? this.data : decoder.decode(this.data);
  }

  /** The frame's bytes. */
  bytes(): Uint8Array {
    return typeof this.data === 'string' ? encoder.encode(this.data) : this.data;
  }
}
