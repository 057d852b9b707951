/**
 * @module test/redis/support/redis-cluster
 * A throw-away Redis Cluster for one suite: 3 masters and 3 replicas (`redis-server --cluster-enabled
 * yes` ×6 on free loopback ports, joined by `redis-cli --cluster create`), with a short node timeout so
 * a SIGKILLed master's replica is promoted within a few seconds. Stopped by pid; never port 6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, redisInstalled } from './redis-server';

/** The cluster's node timeout: a dead master is failed over about this long after it stops answering. */
export const CLUSTER_NODE_TIMEOUT_MS = 1000;

/** One cluster node (a redis-server process). */
export interface ClusterNode {
  port: number;
  child: ChildProcess;
}

/** Six redis-server processes joined into one cluster. */
export class RedisCluster {
  nodes: ClusterNode[] = [];
  private dir = '';

  constructor(private readonly size = 6) {}

  /** `[{ url }]` of every node (what `cluster.rootNodes` takes). */
  get rootNodes(): Array<{ url: string }> {
    return this.nodes.map((node) => ({ url: `redis://127.0.0.1:${node.port}` }));
  }

  /** Starts the nodes, creates the cluster and waits until every slot is served. */
  async start(): Promise<void> {
    if (!redisInstalled) throw new Error('redis-server is not installed (REQUIRE_REDIS=1 makes this a failure)');
    this.dir = mkdtempSync(path.join(tmpdir(), 'wsc-cluster-'));
    const ports: number[] = [];
    while (ports.length < this.size) {
      const port = await freePort();
      // The cluster bus listens on port + 10000: both must be free and below 65536.
      if (port !== 6379 && port + 10000 < 65536 && !ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(this.dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', String(CLUSTER_NODE_TIMEOUT_MS),
          '--save', '',
          '--appendonly', 'no',
          '--dir', this.dir,
        ],
        { stdio: 'ignore' },
      );
      this.nodes.push({ port, child });
    }
    for (const node of this.nodes) await waitFor(() => cli(node.port, ['PING']) === 'PONG', `node ${node.port}`);
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await waitFor(() => this.healthy(), 'cluster_state:ok on every node', 60_000);
  }

  /**
   * Every node answers `cluster_state:ok` and every replica's link to its master is up (a replica
   * that never synced refuses to take over: its data is too old).
   */
  healthy(): boolean {
    return this.nodes.every((node) => {
      if (!isAlive(node) || !/cluster_state:ok/.test(cli(node.port, ['CLUSTER', 'INFO']))) return false;
      const replication = cli(node.port, ['INFO', 'replication']);
      return !/role:slave/.test(replication) || /master_link_status:up/.test(replication);
    });
  }

  /** The nodes serving slots now (masters), by port. */
  masters(): ClusterNode[] {
    const live = this.nodes.find((node) => node.child.exitCode === null && node.child.signalCode === null);
    if (live === undefined) return [];
    const lines = cli(live.port, ['CLUSTER', 'NODES']).split('\n');
    const ports = lines
      .filter((line) => / master /.test(line.replace(/myself,/, '')) && !/fail/.test(line.split(' ')[2] ?? ''))
      .map((line) => Number(/:(\d+)@/.exec(line)?.[1]));
    return this.nodes.filter((node) => ports.includes(node.port));
  }

  /** The master serving `key`'s slot now (throws while none does, during a failover). */
  masterOf(key: string): ClusterNode {
    const live = this.nodes.find(isAlive)!;
    const slot = Number(cli(live.port, ['CLUSTER', 'KEYSLOT', key]));
    const range = this.slotRanges().find((r) => slot >= r.from && slot <= r.to);
    const node = this.nodes.find((n) => n.port === range?.port);
    if (node === undefined) throw new Error(`no master serves ${key}`);
    return node;
  }

  /** The slot ranges the live masters serve now, as a surviving node sees them. */
  slotRanges(): Array<{ from: number; to: number; port: number }> {
    const live = this.nodes.find(isAlive);
    if (live === undefined) return [];
    const out: Array<{ from: number; to: number; port: number }> = [];
    for (const line of cli(live.port, ['CLUSTER', 'NODES']).split('\n')) {
      const parts = line.split(' ');
      if (!/master/.test(parts[2] ?? '') || /fail/.test(parts[2] ?? '')) continue;
      const port = Number(/:(\d+)@/.exec(parts[1] ?? '')?.[1]);
      for (const range of parts.slice(8)) {
        if (range.startsWith('[')) continue; // a slot being migrated
        const [from, to] = range.split('-').map(Number);
        out.push({ from: from!, to: to ?? from!, port });
      }
    }
    return out;
  }

  /** `CLUSTER INFO` of the node on `port`. */
  static info(port: number): string {
    return cli(port, ['CLUSTER', 'INFO']);
  }

  /** SIGKILLs one node (like a crash) and waits for its exit. */
  async kill(node: ClusterNode): Promise<void> {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = new Promise((resolve) => node.child.once('exit', resolve));
    node.child.kill('SIGKILL');
    await exited;
  }

  /** Waits until the cluster serves every slot again (after a failover). */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const live = (): ClusterNode[] => this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
    await waitFor(() => live().every((node) => /cluster_state:ok/.test(cli(node.port, ['CLUSTER', 'INFO']))), 'cluster_state:ok', timeoutMs);
  }

  /** Stops every node and removes its files. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node)));
    this.nodes = [];
    if (this.dir !== '') rmSync(this.dir, { recursive: true, force: true });
  }
}

function isAlive(node: ClusterNode): boolean {
  return node.child.exitCode === null && node.child.signalCode === null;
}

function cli(port: number, args: string[]): string {
  const result = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 5000 });
  return (result.stdout ?? '').trim();
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
