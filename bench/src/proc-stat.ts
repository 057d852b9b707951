/**
 * @module bench/proc-stat
 * CPU accounting from /proc: a process's utime+stime and the whole box's busy time, in clock ticks.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second (USER_HZ; 100 on every Linux we run on). */
export const TICKS_PER_SECOND = 100;

/** utime + stime of one process, in ticks. */
export function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
}

/**
 * Busy ticks of all cores together (everything but idle and iowait), leaving out softirq: on
 * loopback that is the kernel's network stack working for the bench's own traffic (a quarter of a
 * core at 50k msgs/s), which no process is charged for and which says nothing about other work.
 */
export function boxBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, , steal = 0] = values;
  return user + nice + system + irq + steal;
}

/** One CPU snapshot: server, client and the whole box. */
export interface CpuSnapshot {
  at: number;
  server: number;
  client: number;
  box: number;
}

/**
 * Takes a snapshot (time in ms from performance.now()); several server PIDs are added up, and so are
 * the client's (this process and any it drives).
 */
export function snapshot(serverPid: number | readonly number[], clientPids: readonly number[] = [process.pid]): CpuSnapshot {
  const ticks = (pids: number | readonly number[]): number =>
    typeof pids === 'number' ? processTicks(pids) : pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  return { at: performance.now(), server: ticks(serverPid), client: ticks(clientPids), box: boxBusyTicks() };
}

/** CPU spent between two snapshots, in seconds, plus the share of a core used by everything else. */
export interface CpuDelta {
  seconds: number;
  serverCpu: number;
  clientCpu: number;
  /** Busy time of the rest of the box as a fraction of one core. */
  otherCore: number;
}

/** Difference of two snapshots. */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): CpuDelta {
  const seconds = (b.at - a.at) / 1000;
  const serverCpu = (b.server - a.server) / TICKS_PER_SECOND;
  const clientCpu = (b.client - a.client) / TICKS_PER_SECOND;
  const other = Math.max(0, (b.box - a.box) / TICKS_PER_SECOND - serverCpu - clientCpu);
  return { seconds, serverCpu, clientCpu, otherCore: other / seconds };
}
