/**
 * @module transport/deflate
 * The permessage-deflate setting. Off by default: every compressing socket keeps zlib state, and
 * `ws` warns that many concurrent zlib jobs fragment memory badly. When turned on, zlib jobs are
 * capped process-wide and contexts are not kept between messages.
 */

/** Opt-in permessage-deflate settings. */
export interface PerMessageDeflateOptions {
  /** Messages smaller than this (bytes) are sent uncompressed. @default 1024 */
  threshold?: number | undefined;
  /** Concurrent zlib operations, process-wide (ws queues the rest). @default 10 */
  concurrencyLimit?: number | undefined;
  /** Drop the server's compression context after each message (less memory per socket). @default true */
  serverNoContextTakeover?: boolean | undefined;
  /** Ask clients to drop theirs too. @default true */
  clientNoContextTakeover?: boolean | undefined;
  /** zlib memLevel for compression (1..9; lower uses less memory). @default 8 */
  memLevel?: number | undefined;
}

/** What `ws` receives as its `perMessageDeflate` option. */
export type WsDeflateSetting =
  | false
  | {
      threshold: number;
      concurrencyLimit: number;
      serverNoContextTakeover: boolean;
      clientNoContextTakeover: boolean;
      zlibDeflateOptions: { memLevel: number };
    };

/** Resolves the user option (`false`/`undefined`: off, `true`: the defaults above). */
export function resolveDeflate(option: boolean | PerMessageDeflateOptions | undefined): WsDeflateSetting {
  if (option === undefined || option === false) return false;
  const settings = option === true ? {} : option;
  return {
    threshold: settings.threshold ?? 1024,
    concurrencyLimit: settings.concurrencyLimit ?? 10,
    serverNoContextTakeover: settings.serverNoContextTakeover ?? true,
    clientNoContextTakeover: settings.clientNoContextTakeover ?? true,
    zlibDeflateOptions: { memLevel: settings.memLevel ?? 8 },
  };
}
