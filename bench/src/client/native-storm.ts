/**
 * @module bench/client/native-storm
 * The storm's native load client (bench/native/storm-client.c): built with the machine's C compiler
 * once per run, driven over its stdin/stdout. A Node client spends more CPU per handshake than a raw
 * ws server does (a net.Socket, a promise and a listener per connect), so on a 2-core box the storm
 * would measure the client; this one spends about half of what the server does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SOURCE = join(__dirname, '..', '..', 'native', 'storm-client.c');
const BINARY = join(__dirname, '..', 'native', 'storm-client');

/** Builds the native client (when its source is newer than the binary); its path, or why not. */
export function buildNativeStorm(): { binary: string } | { missing: string } {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) return { binary: BINARY };
  mkdirSync(join(BINARY, '..'), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  const built = spawnSync(cc, ['-O2', '-o', BINARY, SOURCE], { encoding: 'utf8' });
  if (built.error) return { missing: `${cc}: ${built.error.message}` };
  if (built.status !== 0) return { missing: `${cc} failed: ${built.stderr.trim()}` };
  return { binary: BINARY };
}

/** One storm's figures as the native client prints them. */
export interface NativeStormResult {
  elapsedMs: number;
  retried: number;
  p50Ms: number;
  p99Ms: number;
}

/** A running native client holding its connections between commands. */
export class NativeStorm {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private failure: Error | undefined;

  constructor(binary: string, port: number, path: string, total: number, inFlight: number) {
    this.child = spawn(binary, [String(port), path, String(total), String(inFlight)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.once('exit', (code) => {
      this.failure = new Error(`native storm client exited with ${code}`);
      this.waiting?.('');
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.lines.push(line);
    });
  }

  /** The client's PID (its CPU is the load client's). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Opens all connections; resolves when every one got its 101. */
  async storm(): Promise<NativeStormResult> {
    const [word, elapsed, retried, p50, p99] = (await this.command('storm')).split(' ');
    if (word !== 'done') throw new Error(`native storm client: unexpected answer ${word}`);
    return { elapsedMs: Number(elapsed), retried: Number(retried), p50Ms: Number(p50), p99Ms: Number(p99) };
  }

  /** Resets every open connection. */
  async drop(): Promise<void> {
    await this.command('drop');
  }

  /** Ends the client (its sockets close with it). */
  stop(): void {
    this.child.stdin!.end();
  }

  private command(word: string): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    this.child.stdin!.write(`${word}\n`);
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.waiting = (line) => (this.failure ? reject(this.failure) : resolve(line));
    });
  }
}
