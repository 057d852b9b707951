/**
 * @module bench/client/windows
 * The measuring loop every load client shares: warm up, then fixed windows with CPU accounting,
 * re-running a window when the rest of the box was busier than the protocol allows.
 */
import { cpuDelta, snapshot } from '../proc-stat';

/** How to measure one case. */
export interface WindowPlan {
  /** The server's PID, or several (a cluster: nodes and Redis), whose CPU is added up. */
  serverPid: number | number[];
  warmupMs: number;
  windowMs: number;
  /** Clean windows wanted. */
  windows: number;
  /** Upper bound on windows measured (clean or not), so a busy box cannot stall the run. */
  maxWindows: number;
  /** A window where the rest of the box used more than this share of a core is dropped. */
  maxOtherCore: number;
}

/** What a client counts during a window. */
export interface Counter {
  /** Starts counting from zero (and recording latencies when it records them). */
  reset(): void;
  /** Messages (or deliveries) since the reset. */
  count(): number;
  /** Latencies in ms since the reset, if recorded. */
  latencies?(): Float64Array;
}

/** One measured window. */
export interface WindowResult {
  seconds: number;
  messages: number;
  perSecond: number;
  serverUsPerMessage: number;
  serverCore: number;
  clientCore: number;
  otherCore: number;
  p50Ms?: number;
  p99Ms?: number;
  dropped: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs the windows of one case; returns all of them (dropped ones flagged). */
export async function measure(plan: WindowPlan, counter: Counter): Promise<WindowResult[]> {
  await sleep(plan.warmupMs);
  const results: WindowResult[] = [];
  let clean = 0;
  while (clean < plan.windows && results.length < plan.maxWindows) {
    const start = snapshot(plan.serverPid);
    counter.reset();
    await sleep(plan.windowMs);
    const messages = counter.count();
    const end = snapshot(plan.serverPid);
    const latencies = counter.latencies?.().slice().sort();
    const cpu = cpuDelta(start, end);
    const dropped = cpu.otherCore > plan.maxOtherCore;
    if (!dropped) clean++;
    results.push({
      seconds: cpu.seconds,
      messages,
      perSecond: messages / cpu.seconds,
      serverUsPerMessage: messages > 0 ? (cpu.serverCpu * 1e6) / messages : NaN,
      serverCore: cpu.serverCpu / cpu.seconds,
      clientCore: cpu.clientCpu / cpu.seconds,
      otherCore: cpu.otherCore,
      p50Ms: latencies && latencies.length > 0 ? percentile(latencies, 0.5) : undefined,
      p99Ms: latencies && latencies.length > 0 ? percentile(latencies, 0.99) : undefined,
      dropped,
    });
  }
  return results;
}

/** A growable buffer of latencies (no per-sample allocation). */
export class LatencyLog {
  private values = new Float64Array(1 << 16);
  private length = 0;

  add(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  clear(): void {
    this.length = 0;
  }

  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/** Reads `--name value` pairs. */
export function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!;
    if (key.startsWith('--')) args[key.slice(2)] = argv[++i] ?? '';
  }
  return args;
}

// `--server-pid 12,34`: a cluster's processes are accounted together.
function serverPids(value: string): number | number[] {
  const pids = value.split(',').map(Number);
  return pids.length === 1 ? pids[0]! : pids;
}

/** The plan from command-line arguments. */
export function planFrom(args: Record<string, string>): WindowPlan {
  return {
    serverPid: serverPids(args['server-pid'] ?? ''),
    warmupMs: Number(args['warmup'] ?? 3000),
    windowMs: Number(args['window'] ?? 5000),
    windows: Number(args['windows'] ?? 3),
    maxWindows: Number(args['max-windows'] ?? 6),
    maxOtherCore: Number(args['max-other'] ?? 0.2),
  };
}

/** Prints the result line the runner reads. */
export function report(value: unknown): void {
  process.stdout.write(`result ${JSON.stringify(value)}\n`);
}
