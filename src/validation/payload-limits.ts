/**
 * @module validation/payload-limits
 * Structural limits of a message payload (nesting depth, keys per object, array length), checked
 * with one walk before any parameter is resolved, so no transformation or validation ever sees a
 * payload whose shape alone would make it expensive. A primitive payload costs nothing. Large frames
 * are scanned before they are even parsed (protocol/structure-scan).
 */
import { ErrorCodes, WsException } from '../errors/ws-exception';
import { PayloadOverLimit, type LimitName, type StructureLimits } from '../protocol/structure-scan';
import type { ValidationDetail } from './validation-details';

/** The three limits (`maxDepth`: levels of objects and arrays, the payload itself is level 1); `Infinity` turns one off. */
export type PayloadLimits = StructureLimits;

/** 32 levels, 1,000 keys per object, 10,000 items per array. */
export const DEFAULT_PAYLOAD_LIMITS: Readonly<PayloadLimits> = Object.freeze({ maxDepth: 32, maxKeys: 1000, maxArrayLength: 10_000 });

/** Throws `PAYLOAD_TOO_COMPLEX` when a payload breaks a limit; returns otherwise. */
export type PayloadLimitCheck = (payload: unknown) => void;

interface Violation {
  limit: LimitName;
  /** Path segments, innermost first (built while the walk unwinds). */
  path: string[];
}

// Client-chosen keys are quoted in the error path; a long one is cut so the reply stays small.
const MAX_SEGMENT = 128;

function describe(limit: LimitName, limits: PayloadLimits): string {
  switch (limit) {
    case 'maxPayloadDepth':
      return `is nested deeper than ${limits.maxDepth} levels`;
    case 'maxPayloadKeys':
      return `has more than ${limits.maxKeys} keys`;
    case 'maxArrayLength':
      return `has more than ${limits.maxArrayLength} items`;
  }
}

/** The error a payload over a limit gets: details name the failing path, like `VALIDATION_FAILED`. */
export function payloadTooComplex(limit: LimitName, property: string, limits: PayloadLimits): WsException {
  const details: ValidationDetail[] = [{ property, constraints: { [limit]: `${property || 'payload'} ${describe(limit, limits)}` } }];
  return new WsException(ErrorCodes.PAYLOAD_TOO_COMPLEX, 'Payload too complex', { status: 413, details });
}

/** Compiles the check, or returns `undefined` when every limit is off. */
export function compilePayloadLimits(limits: PayloadLimits): PayloadLimitCheck | undefined {
  const { maxDepth, maxKeys, maxArrayLength } = limits;
  if (maxDepth === Infinity && maxKeys === Infinity && maxArrayLength === Infinity) return undefined;

  // Recursion is bounded by maxDepth; the common case (no violation) allocates nothing.
  function walk(value: object, depth: number): Violation | undefined {
    if (depth > maxDepth) return { limit: 'maxPayloadDepth', path: [] };
    if (Array.isArray(value)) {
      if (value.length > maxArrayLength) return { limit: 'maxArrayLength', path: [] };
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') {
          const violation = walk(item, depth + 1);
          if (violation !== undefined) {
            violation.path.push(String(i));
            return violation;
          }
        }
      }
      return undefined;
    }
    let keys = 0;
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (++keys > maxKeys) return { limit: 'maxPayloadKeys', path: [] };
      const item = record[key];
      if (item !== null && typeof item === 'object') {
        const violation = walk(item, depth + 1);
        if (violation !== undefined) {
          violation.path.push(key.length > MAX_SEGMENT ? key.slice(0, MAX_SEGMENT) + '…' : key);
          return violation;
        }
      }
    }
    return undefined;
  }

  return (payload) => {
    if (payload === null || typeof payload !== 'object') return;
    // Large frames over a limit were caught by the text scan, before JSON.parse (see parseEnvelope).
    if (payload instanceof PayloadOverLimit) throw payloadTooComplex(payload.limit, payload.path, limits);
    const violation = walk(payload, 1);
    if (violation !== undefined) throw payloadTooComplex(violation.limit, violation.path.reverse().join('.'), limits);
  };
}
