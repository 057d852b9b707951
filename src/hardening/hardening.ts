/**
 * @module hardening/hardening
 * Turns the hardening options into the engine's seams: upgrade gates (origin, limits), observers
 * (releasing limit slots) and the handler enhancer (in-flight count, handler timeout).
 */
import type { InvokerEnhancer } from '../spi/extensions';
import type { EngineObserver, UpgradeGate } from '../spi/extensions';
import { ConnectionLimits } from './connection-limits';
import { ConnectionRate, type ConnectionRateLimit } from './connection-rate';
import { handlerTimeoutEnhancer, type HandlerTimeout } from './handler-timeout';
import { InFlightTracker } from './in-flight';
import { createOriginGate, type OriginPolicy } from './origin-gate';

/** The hardening options of `bootstrap()` (see `BootstrapOptions` for their defaults). */
export interface HardeningSettings {
  allowedOrigins?: OriginPolicy | undefined;
  requireOrigin?: boolean | undefined;
  maxConnections?: number | undefined;
  maxConnectionsPerIp?: number | undefined;
  handlerTimeoutMs?: HandlerTimeout | undefined;
  connectionRateLimit?: ConnectionRateLimit | undefined;
}

/** The seams hardening plugs into. */
export interface Hardening {
  /** Run first at every upgrade (before user gates and `@OnConnect`). */
  readonly gates: UpgradeGate[];
  readonly observers: EngineObserver[];
  /** Applied last, so it wraps every other enhancer. */
  readonly enhancers: InvokerEnhancer[];
  /** Handler calls still running (awaited by a graceful shutdown). */
  readonly inFlight: InFlightTracker;
  /** Connection counts, when a limit is set. */
  readonly limits?: ConnectionLimits | undefined;
}

/** Builds the hardening seams from the options. */
export function createHardening(settings: HardeningSettings): Hardening {
  const gates: UpgradeGate[] = [];
  const observers: EngineObserver[] = [];
  // First of all: every upgrade from an address counts, whatever the later gates decide.
  if (settings.connectionRateLimit) gates.push(new ConnectionRate(settings.connectionRateLimit).gate);
  const origin = createOriginGate(settings.allowedOrigins, settings.requireOrigin === true);
  if (origin) gates.push(origin);
  const maxConnections = settings.maxConnections ?? Infinity;
  const maxPerIp = settings.maxConnectionsPerIp ?? Infinity;
  let limits: ConnectionLimits | undefined;
  if (Number.isFinite(maxConnections) || Number.isFinite(maxPerIp)) {
    limits = new ConnectionLimits(maxConnections, maxPerIp);
    gates.push(limits.gate);
    observers.push(limits.observer);
  }
  const inFlight = new InFlightTracker();
  return { gates, observers, enhancers: [handlerTimeoutEnhancer(inFlight, settings.handlerTimeoutMs)], inFlight, limits };
}
