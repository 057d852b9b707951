/**
 * @module discovery/route-table
 * Maps an upgrade path to its controller: exact paths first, then patterns such as `/rooms/:roomId`
 * in declaration order. Built once; immutable afterwards.
 */

/** A successful match. */
export interface RouteMatch<T> {
  target: T;
  params: Record<string, string>;
}

interface PatternRoute<T> {
  path: string;
  segments: string[];
  target: T;
}

/** Upgrade routing by path (the query string is not part of the path). */
export class RouteTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly patterns: PatternRoute<T>[] = [];
  private readonly empty: Record<string, string> = Object.freeze({}) as Record<string, string>;

  /** Adds a route; two controllers may not share one path. */
  add(path: string, target: T, describe: (existing: T) => string): void {
    const normalized = normalizePath(path);
    const clash = this.exact.get(normalized) ?? this.patterns.find((p) => p.path === normalized)?.target;
    if (clash !== undefined) throw new Error(`Two controllers declare the path '${path}': ${describe(clash)} and another`);
    if (normalized.includes('/:')) this.patterns.push({ path: normalized, segments: normalized.split('/'), target });
    else this.exact.set(normalized, target);
  }

  /** Finds the controller of a path. */
  match(path: string): RouteMatch<T> | undefined {
    const normalized = normalizePath(path);
    const exact = this.exact.get(normalized);
    if (exact !== undefined) return { target: exact, params: this.empty };
    if (this.patterns.length === 0) return undefined;
    const segments = normalized.split('/');
    for (const route of this.patterns) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const expected = route.segments[i] as string;
        const actual = segments[i] as string;
        if (expected.startsWith(':')) {
          if (actual.length === 0) ok = false;
          else params[expected.slice(1)] = safeDecode(actual);
        } else if (expected !== actual) ok = false;
      }
      if (ok) return { target: route.target, params };
    }
    return undefined;
  }

  /** Every declared path. */
  paths(): string[] {
    return [...this.exact.keys(), ...this.patterns.map((p) => p.path)];
  }
}

function normalizePath(path: string): string {
  // '/chat/' and '/chat' are the same route.
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
