/**
 * Measuring helpers for the reliability suite: forced GC, heap, open handles, and printing each
 * test's figures (also appended to test-artifacts/reliability.jsonl, git-ignored, for RELIABILITY.md).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (works with or without --expose-gc). */
export async function forceGc(): Promise<void> {
  if (gcFn === undefined) {
    const global = globalThis as { gc?: () => void };
    if (typeof global.gc === 'function') gcFn = global.gc;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  // Several passes with turns of the event loop in between, so finalizers and weak refs settle.
  for (let i = 0; i < 3; i++) {
    gcFn();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Heap used after a full GC, in bytes. */
export async function settledHeap(): Promise<number> {
  await forceGc();
  return process.memoryUsage().heapUsed;
}

/** Counts of the process's active resources by type (timers, sockets...). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  const info = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
  for (const name of info) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Megabytes with one decimal. */
export function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** Prints a test's figures and records them for RELIABILITY.md. */
export function report(test: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ test, at: new Date().toISOString(), ...figures });
  process.stdout.write(`[reliability] ${line}\n`);
  try {
    const dir = join(__dirname, '..', '..', '..', 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, 'reliability.jsonl'), line + '\n');
  } catch {
    // Figures are printed anyway; the file is a convenience.
  }
}

/** Resolves after `ms` (used only to hold load for a fixed period, never to wait for an event). */
export function hold(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
