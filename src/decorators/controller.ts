/**
 * @module decorators/controller
 * `@WebSocketController(path, options?)`: marks a class as the handler set of one WebSocket path.
 */
import { injectable } from 'tsyringe';
import { ensureConstructorTokens, writableClassMetadata } from '../metadata/reflection';
import type { ControllerOptions } from '../metadata/types';

/**
 * Marks a class as the controller of `path` (also makes it injectable). Without decorator metadata
 * (esbuild, tsx, Vitest), list the constructor's tokens in `inject`.
 * @example @WebSocketController('/chat', { inject: [RoomService, ChatStore] })
 */
export function WebSocketController(path: string, options: ControllerOptions = {}): ClassDecorator {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new Error(`@WebSocketController path must start with '/': got ${JSON.stringify(path)}`);
  }
  return (target) => {
    ensureConstructorTokens(
      target,
      options.inject,
      `@WebSocketController('${path}', { inject: [RoomService, ChatStore] })`,
    );
    writableClassMetadata(target).controller = { path, options };
    injectable()(target as unknown as new (...args: unknown[]) => unknown);
  };
}
