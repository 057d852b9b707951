/**
 * @module deno/deno-types
 * The slice of Deno's server API this adapter uses, declared here so the package needs no Deno typings.
 */

/** Deno's server handle. */
export interface DenoHttpServer {
  readonly addr: { port: number; hostname: string };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}

/** What Deno passes with each request. */
export interface DenoServeInfo {
  remoteAddr: { hostname: string; port: number };
}

/** The standard server-side WebSocket Deno hands out (declared here: the build has no DOM types). */
export interface DenoWebSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: 'blob' | 'arraybuffer';
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

/** The global `Deno` object, when running on Deno. */
export interface DenoGlobal {
  serve(
    options: { port: number; hostname?: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoHttpServer;
  upgradeWebSocket(request: Request): { socket: DenoWebSocket; response: Response };
}

/** Returns `Deno`, or throws a clear error on another runtime. */
export function denoRuntime(): DenoGlobal {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!deno) throw new Error('denoTransport() needs the Deno runtime: start the app with `deno run`.');
  return deno;
}
