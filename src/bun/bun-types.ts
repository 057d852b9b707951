/**
 * @module bun/bun-types
 * The slice of Bun's server API this adapter uses, declared here so the package needs no Bun typings.
 */

/** Bun's server-side WebSocket. */
export interface BunServerWebSocket<T> {
  readonly data: T;
  readonly readyState: number;
  readonly remoteAddress: string;
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  getBufferedAmount(): number;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** Bun's HTTP server. */
export interface BunServer {
  readonly port: number;
  upgrade(request: Request, options: { data: unknown }): boolean;
  publish(topic: string, data: string | Uint8Array): number;
  requestIP(request: Request): { address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** The options of `Bun.serve` used here. */
export interface BunServeOptions<T> {
  port: number;
  hostname?: string | undefined;
  fetch(request: Request, server: BunServer): Response | undefined | Promise<Response | undefined>;
  websocket: {
    open(ws: BunServerWebSocket<T>): void;
    message(ws: BunServerWebSocket<T>, message: string | Uint8Array): void;
    close(ws: BunServerWebSocket<T>, code: number, reason: string): void;
    maxPayloadLength: number;
    perMessageDeflate: boolean;
    publishToSelf?: boolean | undefined;
  };
}

/** The global `Bun` object, when running on Bun. */
export interface BunGlobal {
  serve<T>(options: BunServeOptions<T>): BunServer;
}

/** Returns `Bun`, or throws a clear error on another runtime. */
export function bunRuntime(): BunGlobal {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!bun) throw new Error('bunTransport() needs the Bun runtime: start the app with `bun`.');
  return bun;
}
