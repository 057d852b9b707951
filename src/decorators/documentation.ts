/**
 * @module decorators/documentation
 * `@Asks` and `@Streams`: what the code does but the metadata cannot show, declared for the AsyncAPI
 * document. `client.request(...)` and a handler returning an observable are only known at run time, so
 * they are declared here; nothing at run time reads these (an undeclared request still works).
 */
import { appendExtra } from '../metadata/reflection';
import type { DeclaredType } from '../metadata/types';

/** The extension-list names the documentation decorators record under (read by `ws-controllers/asyncapi`). */
export const DOC_EXTRAS = { asks: 'asks', streams: 'streams' } as const;

/** A server request the clients of a controller must answer (see `@Asks`). */
export interface AskDeclaration {
  /** The event of the request (`client.request(event, …)`, `rooms.to(…).request(event, …)`). */
  event: string;
  /** The type of the payload the server sends: a DTO class, or `String`, `Number`, `Boolean`, `Array`. */
  payload?: DeclaredType | undefined;
  /** The type of the answer the client sends back. */
  reply?: DeclaredType | undefined;
  /** One line on what the client is asked. */
  summary?: string | undefined;
}

/** What `@Streams` records. */
export interface StreamDeclaration {
  /** The type of each item. */
  item?: DeclaredType | undefined;
}

/**
 * Declares a server request the clients of this controller must answer (`client.handle(event, fn)`),
 * for the AsyncAPI document. Repeatable, one per event.
 * @example @Asks('confirm', { payload: ConfirmDto, reply: Boolean, summary: 'Asks the user to confirm' })
 */
export function Asks(event: string, options: Omit<AskDeclaration, 'event'> = {}): ClassDecorator {
  if (typeof event !== 'string' || event.length === 0) throw new Error('@Asks needs a non-empty event name');
  return (target) => appendExtra(target, undefined, DOC_EXTRAS.asks, [{ ...options, event }]);
}

/**
 * Declares that a handler replies with a stream, and the type of its items, for the AsyncAPI document.
 * `async *` handlers are recognised without it; a handler returning an observable (or another async
 * iterable) needs it.
 * @example @Streams(LogLine)
 */
export function Streams(item?: DeclaredType): MethodDecorator {
  return (target, method) => appendExtra((target as { constructor: Function }).constructor, method, DOC_EXTRAS.streams, [{ item }]);
}
