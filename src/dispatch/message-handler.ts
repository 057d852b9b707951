/**
 * @module dispatch/message-handler
 * The compiled per-event pipeline: resolve arguments, call, reply (synchronously when the handler
 * returned a plain value), or route the failure to the controller's error path.
 */
import type { ConnectionHandle } from '../spi/handles';
import { encodeReply, eventPrefix, type Envelope } from '../protocol/envelope';
import { isThenable, type Invoker } from './invoker';
import { isStreamResult, streamReply } from './stream-reply';

/** Where failures of a handler go (the controller's `@OnError`, mapping, logging, sending). */
export type FailureSink = (client: ConnectionHandle, error: unknown, event: string | undefined, id: string | number | undefined) => void;

/** One `@OnMessage` handler, ready to run. */
export class MessageHandler {
  /** `{"event":"<event>"`, computed once. */
  private readonly prefix: string;

  constructor(
    /** The event it handles. */
    readonly event: string,
    /** The controller method's name. */
    readonly methodName: string,
    private readonly invoke: Invoker,
    private readonly fail: FailureSink,
    /** Where the payload is read from, when not `envelope.payload` (the built-in room messages). */
    readonly payloadOf?: (envelope: Envelope) => unknown,
  ) {
    this.prefix = eventPrefix(event);
  }

  /** Handles one message. Never throws. */
  run(client: ConnectionHandle, payload: unknown, id: string | number | undefined): void {
    let result: unknown;
    try {
      result = this.invoke(client, payload, undefined);
    } catch (error) {
      this.fail(client, error, this.event, id);
      return;
    }
    if (result === undefined) return;
    if (isThenable(result)) {
      result.then(
        (value) => this.reply(client, value, id),
        (error: unknown) => this.fail(client, error, this.event, id),
      );
    } else {
      this.reply(client, result, id);
    }
  }

  private reply(client: ConnectionHandle, value: unknown, id: string | number | undefined): void {
    if (value === undefined) return;
    // The one check a plain result pays: an object may be a stream (async iterable or observable).
    if (typeof value === 'object' && value !== null && isStreamResult(value)) {
      return streamReply(client, this.prefix, value, id, (error) => this.fail(client, error, this.event, id));
    }
    let text: string;
    try {
      text = encodeReply(this.prefix, value, id);
    } catch (error) {
      this.fail(client, error, this.event, id); // e.g. a circular or BigInt value
      return;
    }
    client.sendText(text);
  }
}
