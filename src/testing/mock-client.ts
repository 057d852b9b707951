/**
 * @module testing/mock-client
 * A `WsClient` for calling controller methods directly in unit tests: every method is a Jest
 * mock function, and the fields are plain settable values.
 */
import type { WsClient } from '../socket/ws-client';
import { ReadyState } from '../spi/transport';

type Fn = (...args: never[]) => unknown;

/** The part of a Jest (or Vitest) mock function a test typically touches; the real object has more. */
export interface MockFunction<F extends Fn> {
  (...args: Parameters<F>): ReturnType<F>;
  readonly mock: { readonly calls: Parameters<F>[]; readonly results: Array<{ type: string; value: unknown }> };
  mockImplementation(implementation: F): this;
  mockImplementationOnce(implementation: F): this;
  mockReturnValue(value: ReturnType<F>): this;
  mockClear(): this;
  mockReset(): this;
}

/** Creates a mock function that runs the implementation it is given (e.g. `jest.fn`, `vi.fn`). */
// Typed loosely on purpose so that `jest.fn` and `vi.fn`, with their own generics, both fit.
export type MockFactory = (implementation: never) => unknown;

type TypedFactory = <F extends Fn>(implementation: F) => MockFunction<F>;

type Methods = 'emit' | 'send' | 'request' | 'close' | 'join' | 'leave' | 'toRoom' | 'to' | 'broadcast';

/** A `WsClient` whose methods are mock functions and whose fields can be set. */
export type MockWsClient = { -readonly [K in Exclude<keyof WsClient, Methods | 'rooms'>]: WsClient[K] } & {
  [K in Methods]: MockFunction<WsClient[K]>;
} & { rooms: Set<string> };

/** Initial fields of a mock client, and where its mock functions come from. */
export interface MockClientInit {
  id?: string | undefined;
  path?: string | undefined;
  query?: Record<string, string> | undefined;
  headers?: Record<string, string | string[] | undefined>;
  params?: Record<string, string> | undefined;
  remoteAddress?: string | undefined;
  readyState?: number | undefined;
  data?: Record<string, unknown> | undefined;
  rooms?: Iterable<string> | undefined;
  /** Whether the client resumed a session (session recovery). @default false */
  resumed?: boolean | undefined;
  /** Makes the mock functions. @default `jest.fn` (or Vitest's global `vi.fn`) */
  mockFn?: MockFactory | undefined;
}

// Jest puts `jest` in every module's scope; Vitest with `globals: true` exposes `vi` globally.
declare const jest: { fn: MockFactory } | undefined;

function defaultFactory(): MockFactory {
  if (typeof jest !== 'undefined' && typeof jest.fn === 'function') return jest.fn;
  const vi = (globalThis as { vi?: { fn?: MockFactory } }).vi;
  if (vi !== undefined && typeof vi.fn === 'function') return vi.fn;
  throw new Error(
    'createMockClient() needs a mock function factory: run it inside Jest, or pass one, e.g. createMockClient({ mockFn: vi.fn }).',
  );
}

let counter = 0;

/**
 * A mock `WsClient`: `emit`, `send`, `request` (resolves `undefined`), `close`, `join`, `leave`, `toRoom`, `to`, `broadcast` are mock
 * functions (`join`/`leave` also update `rooms`, `close` sets `readyState` to 3; the room sends resolve).
 * @example
 * const client = createMockClient({ id: 'c1', query: { token: 't' } });
 * controller.onTyping(client, { room: 'a', typing: true });
 * expect(client.emit).toHaveBeenCalledWith('user-typing', { room: 'a', typing: true });
 */
export function createMockClient(init: MockClientInit = {}): MockWsClient {
  const fn = (init.mockFn ?? defaultFactory()) as TypedFactory;
  const client: MockWsClient = {
    id: init.id ?? `mock-client-${++counter}`,
    path: init.path ?? '/',
    query: { ...init.query },
    headers: { ...init.headers },
    params: { ...init.params },
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    readyState: init.readyState ?? ReadyState.OPEN,
    data: init.data ?? {},
    rooms: new Set(init.rooms ?? []),
    resumed: init.resumed ?? false,
    emit: fn((_event: string, _payload?: unknown): void => undefined),
    send: fn((_raw: string | Uint8Array): void => undefined),
    request: fn(async (_event: string, _payload: unknown, _options: { timeoutMs: number }): Promise<unknown> => undefined),
    close: fn((_code?: number, _reason?: string): void => {
      client.readyState = ReadyState.CLOSED;
    }),
    join: fn(async (room: string): Promise<void> => {
      client.rooms.add(room);
    }),
    leave: fn(async (room: string): Promise<void> => {
      client.rooms.delete(room);
    }),
    toRoom: fn(async (_room: string, _event: string, _payload?: unknown): Promise<void> => undefined),
    to: fn(async (_clientId: string, _event: string, _payload?: unknown): Promise<boolean> => true),
    broadcast: fn(async (_event: string, _payload?: unknown): Promise<void> => undefined),
  };
  return client;
}
