/**
 * @module client/client-types
 * The types `Client`'s methods are declared with: argument lists that make an optional payload
 * optional, the names and payloads of pushes, and what a runtime entry supplies.
 */
import type { BuiltInPushes } from './built-in-pushes';
import type { ResultOf } from './event-map';
import type { RequestOptions } from './options';
import type { SocketConstructor, SocketProbe } from './socket-like';
import type { StreamOptions } from './streams';
import type { ServerErrorPayload } from './wire';

export type { ServerErrorPayload };

/** Arguments of `request()`: the payload may be left out when the event takes none. */
export type RequestArgs<P> = undefined extends P ? [payload?: P, options?: RequestOptions] : [payload: P, options?: RequestOptions];
/** Arguments of `emit()`. */
export type EmitArgs<P> = undefined extends P ? [payload?: P] : [payload: P];
/** Arguments of `stream()`. */
export type StreamArgs<P> = undefined extends P ? [payload?: P, options?: StreamOptions] : [payload: P, options?: StreamOptions];
/** The items a stream of `K` yields: the declared result, or the item type of a declared async iterable. */
export type StreamItem<E, K extends keyof E> = ResultOf<E, K> extends AsyncIterable<infer I> ? I : ResultOf<E, K>;
/** Events `on()` accepts: the declared pushes, `error`, and the built-in `session` and presence frames. */
export type PushName<P> = (keyof P & string) | 'error' | keyof BuiltInPushes;
/**
 * The payload a push listener receives. A built-in name keeps its built-in type unless the push map
 * declares it by name (an untyped map's index signature does not count).
 */
export type PushPayload<P, K> = K extends 'error'
  ? ServerErrorPayload
  : K extends keyof BuiltInPushes
    ? string extends keyof P
      ? BuiltInPushes[K]
      : K extends keyof P
        ? P[K]
        : BuiltInPushes[K]
    : K extends keyof P
      ? P[K]
      : unknown;

/** What a runtime entry (browser or Node) supplies. */
export interface ClientRuntime {
  WebSocket: SocketConstructor | undefined;
  reconnectByDefault: boolean;
  probe?: SocketProbe | undefined;
}
