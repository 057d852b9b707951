/**
 * @module hardening/origin-gate
 * Refuses cross-site upgrades: browsers always send `Origin`, and `ws` checks none, so without this
 * any page could open a socket with the visitor's cookies (cross-site WebSocket hijacking).
 */
import type { ConnectionHandle } from '../spi/handles';
import { isThenable } from '../util/thenable';
import type { UpgradeGate } from '../spi/extensions';
import { WsException } from '../errors/ws-exception';

/** Which origins may open a socket: exact origins (`https://app.example.com`) or a predicate. */
export type OriginPolicy = readonly string[] | ((origin: string, client: ConnectionHandle) => boolean | Promise<boolean>);

/** Refusal code of an upgrade whose `Origin` is not allowed (HTTP 403). */
export const ORIGIN_NOT_ALLOWED = 'ORIGIN_NOT_ALLOWED';

function originOf(connection: ConnectionHandle): string | undefined {
  // Version 8 (pre-RFC) clients sent Sec-WebSocket-Origin instead.
  const value = connection.headers.origin ?? connection.headers['sec-websocket-origin'];
  return Array.isArray(value) ? value[0] : value;
}

function refuse(message: string): never {
  throw new WsException(ORIGIN_NOT_ALLOWED, message, { status: 403 });
}

/**
 * Builds the origin gate, or undefined when it would admit everything. Without an `Origin` header
 * (non-browser clients) the upgrade is admitted unless `requireOrigin` is set.
 */
export function createOriginGate(allowed: OriginPolicy | undefined, requireOrigin: boolean): UpgradeGate | undefined {
  if (allowed === undefined && !requireOrigin) return undefined;
  const exact = Array.isArray(allowed) ? new Set<string>(allowed) : undefined;
  const predicate = typeof allowed === 'function' ? allowed : undefined;
  return (connection) => {
    const origin = originOf(connection);
    if (origin === undefined || origin === '') {
      return requireOrigin ? refuse('An Origin header is required') : true;
    }
    if (exact !== undefined) return exact.has(origin) ? true : refuse(`Origin '${origin}' is not allowed`);
    if (predicate === undefined) return true;
    const verdict = predicate(origin, connection);
    const decide = (ok: boolean): true => (ok ? true : refuse(`Origin '${origin}' is not allowed`));
    return isThenable(verdict) ? Promise.resolve(verdict).then(decide) : decide(verdict);
  };
}
