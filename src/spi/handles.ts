/**
 * @module spi/handles
 * The narrow views of a connection and of its controller that pipeline features, gates and
 * observers work with. The core's own connection class implements them; nothing here is concrete.
 */
import type { ClassMetadata, ControllerOptions } from '../metadata/types';
import type { WsClient } from '../socket/ws-client';

/** What extensions may know of the controller serving a connection. */
export interface ControllerInfo {
  /** The controller class. */
  readonly type: Function;
  /** The class name. */
  readonly name: string;
  /** The route pattern it serves (e.g. `/rooms/:id`). */
  readonly path: string;
  /** The controller instance built by the container. */
  readonly instance: object;
  /** The options of `@WebSocketController`. */
  readonly options: ControllerOptions;
  /** Everything its decorators recorded. */
  readonly classMetadata: ClassMetadata;
  /** Its `@OnDisconnect` hooks, by method name. */
  readonly disconnectHooks: readonly { readonly methodName: string }[];
}

/** A connection as the pipeline sees it: the public `WsClient`, its controller, its per-connection state. */
export interface ConnectionHandle extends WsClient {
  /** The controller serving this connection (known before `@OnConnect` runs). */
  readonly controller: ControllerInfo;
  /** Per-connection state that features attach (scoped containers, rate limits...). */
  readonly locals: Record<string, unknown>;
  /** Sends an already-encoded text frame. */
  sendText(text: string): void;
}
