/**
 * @module hardening/connection-limits
 * Caps connections per app (503) and per client IP (429) at the upgrade. A slot is taken when the
 * gate admits an upgrade, so pending handshakes count too, and given back when the upgrade is
 * refused or abandoned later, or when the connection closes.
 */
import type { ConnectionHandle } from '../spi/handles';
import type { EngineObserver, UpgradeGate } from '../spi/extensions';
import { WsException } from '../errors/ws-exception';

/** Refusal code when the app is full (HTTP 503). */
export const TOO_MANY_CONNECTIONS = 'TOO_MANY_CONNECTIONS';
/** Refusal code when one IP holds too many connections (HTTP 429). */
export const TOO_MANY_CONNECTIONS_PER_IP = 'TOO_MANY_CONNECTIONS_PER_IP';

/** Counts connections and pending upgrades, in total and per remote address. */
export class ConnectionLimits {
  private total = 0;
  private readonly perIp = new Map<string, number>();
  // Connections holding a slot; a WeakSet so a slot can never be given back twice.
  private readonly holding = new WeakSet<ConnectionHandle>();

  constructor(
    private readonly maxConnections: number,
    private readonly maxPerIp: number,
  ) {}

  /** Connections (and pending upgrades) currently counted. */
  get size(): number {
    return this.total;
  }

  /** Counted connections from one address. */
  countFor(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /** Number of addresses with at least one counted connection. */
  get addresses(): number {
    return this.perIp.size;
  }

  /** The gate taking a slot, or refusing. */
  readonly gate: UpgradeGate = (connection) => {
    if (this.total >= this.maxConnections) {
      throw new WsException(TOO_MANY_CONNECTIONS, 'Too many connections', { status: 503 });
    }
    const ip = connection.remoteAddress;
    const held = this.perIp.get(ip) ?? 0;
    if (held >= this.maxPerIp) {
      throw new WsException(TOO_MANY_CONNECTIONS_PER_IP, 'Too many connections from this address', { status: 429 });
    }
    this.total++;
    this.perIp.set(ip, held + 1);
    this.holding.add(connection);
    return true;
  };

  /** Gives the slot back when the upgrade fails after the gate or the connection ends. */
  readonly observer: EngineObserver = {
    abandoned: (connection) => this.release(connection),
    closed: (connection) => this.release(connection),
  };

  private release(connection: ConnectionHandle): void {
    if (!this.holding.delete(connection)) return;
    this.total--;
    const ip = connection.remoteAddress;
    const held = (this.perIp.get(ip) ?? 1) - 1;
    if (held <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, held);
  }
}
