/**
 * @module decorators/handlers
 * Method decorators: which lifecycle moment or event a method handles.
 */
import { writableHandlerMetadata } from '../metadata/reflection';
import type { HandlerKind } from '../metadata/types';

function handlerDecorator(kind: HandlerKind, event?: string): MethodDecorator {
  return (target, method) => {
    const handler = writableHandlerMetadata(target.constructor, method);
    handler.kind = kind;
    if (event !== undefined) handler.event = event;
  };
}

/** Runs during the HTTP upgrade; throwing or returning `false` refuses the client. */
export function OnConnect(): MethodDecorator {
  return handlerDecorator('connect');
}

/** Handles the envelope `{"event": event, ...}`; a returned value is the reply. */
export function OnMessage(event: string): MethodDecorator {
  if (typeof event !== 'string' || event.length === 0) {
    throw new Error('@OnMessage needs a non-empty event name');
  }
  return handlerDecorator('message', event);
}

/** Runs once when the connection is closed, whatever closed it. */
export function OnDisconnect(): MethodDecorator {
  return handlerDecorator('disconnect');
}

/** Receives binary frames and text that is not an envelope. */
export function OnRawMessage(): MethodDecorator {
  return handlerDecorator('raw');
}

/** Sees every error thrown by this controller's handlers before it is mapped to the wire. */
export function OnError(): MethodDecorator {
  return handlerDecorator('error');
}
