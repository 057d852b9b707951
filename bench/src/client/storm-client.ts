/**
 * @module bench/client/storm-client
 * Reconnect storm: opens N connections (the warm-up), drops them all at once (TCP reset, as when a
 * deploy or a proxy cuts them), waits until the server has finished closing them, then brings all N
 * back as fast as the server takes them, and measures handshakes completed per second and the time
 * until all N are open again. With `--native <binary>` the native client (native-storm.ts) does the
 * connecting: it costs about half of what a raw ws server spends per handshake, so the server sets the
 * pace. Without it every handshake is a raw upgrade request from this process (raw-upgrade.ts), which
 * costs more than the server it loads. At most `--in-flight` handshakes are pending at a time
 * (below the listen backlog of 511: past it the kernel drops connects and its 1 s SYN retransmit, not
 * the server, would decide the time). A refused or failed handshake is retried at once and counted.
 */
import type { Socket } from 'node:net';
import { cpuDelta, processTicks, snapshot } from '../proc-stat';
import { NativeStorm } from './native-storm';
import { upgrade } from './raw-upgrade';
import { LatencyLog, parseArgs, planFrom, report, type WindowResult } from './windows';

/** A storm window: a WindowResult (messages = handshakes) plus the storm's own figures. */
export interface StormWindow extends WindowResult {
  /** ms from the first connect to the last `101`. */
  allOpenMs: number;
  /** Handshakes refused or failed (and retried). */
  retried: number;
}

const args = parseArgs(process.argv.slice(2));
const plan = planFrom(args);
const port = Number(args['port']);
const path = args['path'] ?? '/';
const total = Number(args['n'] ?? 10_000);
const inFlight = Number(args['in-flight'] ?? 500);
const native = args['native'] ? new NativeStorm(args['native'], port, path, total, inFlight) : undefined;
const clientPids = native ? [process.pid, native.pid] : [process.pid];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens `total` connections with at most `inFlight` pending; retries refusals. */
async function storm(into: Socket[], latencies: LatencyLog): Promise<{ retried: number }> {
  let started = 0;
  let retried = 0;
  const deadline = Date.now() + 120_000;
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`storm: not all ${total} connections open after 120 s`);
        const t0 = performance.now();
        try {
          into.push(await upgrade(port, path));
          latencies.add(performance.now() - t0);
          break;
        } catch {
          retried++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return { retried };
}

function drop(sockets: Socket[]): Promise<void> | void {
  if (native) return native.drop();
  for (const socket of sockets) socket.resetAndDestroy();
  sockets.length = 0;
}

/** One storm by whichever client runs: its retries and latencies (p50, p99 in ms). */
async function measuredStorm(sockets: Socket[], latencies: LatencyLog): Promise<{ retried: number; p50Ms: number; p99Ms: number }> {
  if (native) return native.storm();
  latencies.clear();
  const { retried } = await storm(sockets, latencies);
  const sorted = latencies.view().slice().sort();
  return {
    retried,
    p50Ms: sorted[Math.floor(sorted.length * 0.5)]!,
    p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!,
  };
}

// The server is done with the dropped connections once it spends (almost) no CPU for 300 ms.
async function settle(pids: number[]): Promise<void> {
  const ticks = (): number => pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  const deadline = Date.now() + 30_000;
  let quiet = 0;
  let last = ticks();
  while (quiet < 3 && Date.now() < deadline) {
    await sleep(100);
    const now = ticks();
    quiet = now - last <= 1 ? quiet + 1 : 0;
    last = now;
  }
}

async function main(): Promise<void> {
  const pids = Array.isArray(plan.serverPid) ? plan.serverPid : [plan.serverPid];
  const sockets: Socket[] = [];
  const latencies = new LatencyLog();
  await measuredStorm(sockets, latencies); // the warm-up: the first connect of all N
  const windows: StormWindow[] = [];
  let clean = 0;
  while (clean < plan.windows && windows.length < plan.maxWindows) {
    await drop(sockets);
    await settle(pids);
    const start = snapshot(plan.serverPid, clientPids);
    const { retried, p50Ms, p99Ms } = await measuredStorm(sockets, latencies);
    const end = snapshot(plan.serverPid, clientPids);
    const cpu = cpuDelta(start, end);
    const dropped = cpu.otherCore > plan.maxOtherCore;
    if (!dropped) clean++;
    windows.push({
      seconds: cpu.seconds,
      messages: total,
      perSecond: total / cpu.seconds,
      serverUsPerMessage: (cpu.serverCpu * 1e6) / total,
      serverCore: cpu.serverCpu / cpu.seconds,
      clientCore: cpu.clientCpu / cpu.seconds,
      otherCore: cpu.otherCore,
      p50Ms,
      p99Ms,
      dropped,
      allOpenMs: cpu.seconds * 1000,
      retried,
    });
  }
  report({ windows });
  await drop(sockets);
  native?.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
