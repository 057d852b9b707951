/**
 * Starts a throw-away `redis-server` on a free loopback port for one suite (never the one on 6379),
 * restarts it for blip tests, and stops it by its pid. Without `redis-server` on the machine the
 * suites skip loudly, unless REQUIRE_REDIS=1 (CI), where they fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Whether `redis-server` can be run here. */
export const redisInstalled = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** `describe` for suites needing Redis: skipped (loudly) when it is missing, unless REQUIRE_REDIS=1. */
export function describeRedis(name: string, body: () => void): void {
  if (redisInstalled || process.env.REQUIRE_REDIS === '1') {
    describe(name, body);
    return;
  }
  console.warn(
    `\n!!! SKIPPED "${name}": redis-server is not installed (set REQUIRE_REDIS=1 to make this a failure) !!!\n`,
  );
  describe.skip(name, body);
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One redis-server process. */
export class RedisServer {
  port = 0;
  private child: ChildProcess | undefined;

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (on a new free port the first time, on the same port after a stop); no-op while running. */
  async start(): Promise<void> {
    if (this.child) return; // already running
    if (!redisInstalled)
      throw new Error('redis-server is not installed (REQUIRE_REDIS=1 makes this a failure)');
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await ping(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Stops it (SIGKILL: like a crash, nothing is saved) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes it (SIGSTOP: connections stay open, nothing answers) or thaws it (SIGCONT). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.child?.kill(signal);
  }

  /** Stops, then starts again on the same port with an empty dataset. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

// Sends PING and resolves true on +PONG.
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
