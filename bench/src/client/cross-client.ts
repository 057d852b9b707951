/**
 * @module bench/client/cross-client
 * Load for the cross-node case. Mode `fan`: members on one or more nodes (`--members port:count,...`,
 * raw sockets that count frames without reading them), one publisher (`--publisher port`) keeping
 * `--w` room emits in flight, paced by the deliveries (a new one whenever one has reached every member).
 * Mode `send`: `--targets` clients on `--target-port` tell their ids (`whoami`); one sender on
 * `--sender-port` keeps `--w` `send` requests in flight, round-robin over the ids; a send counts when
 * its reply arrives, and every reply must be `true` (the target got it) or the client fails.
 */
import WebSocket from 'ws';
import { upgrade } from './raw-upgrade';
import { LatencyLog, measure, parseArgs, planFrom, report } from './windows';

const args = parseArgs(process.argv.slice(2));
const path = args['path'] ?? '/room';
const inFlight = Number(args['w'] ?? 8);
const PUBLISH = '{"event":"publish","payload":{"text":"hello, world!","n":1000123}}';

function open(port: number, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}${query}`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function fan(): Promise<void> {
  const groups = (args['members'] ?? '').split(',').map((g) => g.split(':').map(Number) as [number, number]);
  const members = groups.reduce((sum, [, count]) => sum + count, 0);
  let delivered = 0;
  let published = 0;
  let completed = 0; // deliveries since the start, to keep `inFlight` emits outstanding
  const publisher = await open(Number(args['publisher']));
  const pump = (): void => {
    while (published - Math.floor(completed / members) < inFlight) {
      published++;
      publisher.send(PUBLISH);
    }
  };
  const onFrames = (frames: number): void => {
    const before = Math.floor(completed / members);
    delivered += frames;
    completed += frames;
    if (Math.floor(completed / members) !== before) pump();
  };
  const sockets = [];
  for (const [port, count] of groups) {
    for (let i = 0; i < count; i += 250) {
      const batch = Array.from({ length: Math.min(250, count - i) }, () =>
        upgrade(port, `${path}?sub=1`, onFrames),
      );
      sockets.push(...(await Promise.all(batch)));
    }
  }
  // Joining happens in @OnConnect, before the 101: every member is in the room now.
  pump();
  const windows = await measure(planFrom(args), {
    reset: () => void (delivered = 0),
    count: () => delivered,
  });
  report({ windows });
  for (const socket of sockets) socket.resetAndDestroy();
  publisher.terminate();
}

async function send(): Promise<void> {
  const count = Number(args['targets'] ?? 100);
  const targets = await Promise.all(Array.from({ length: count }, () => open(Number(args['target-port']))));
  const ids = await Promise.all(
    targets.map(
      (ws) =>
        new Promise<string>((resolve) => {
          ws.once('message', (data: Buffer) =>
            resolve((JSON.parse(data.toString()) as { payload: string }).payload),
          );
          ws.send('{"event":"whoami","id":0}');
        }),
    ),
  );
  let received = 0; // `direct` frames at the targets
  for (const ws of targets) ws.on('message', () => void received++);
  const sender = await open(Number(args['sender-port']));
  let sent = 0;
  let answered = 0;
  let failure: string | undefined;
  let stopped = false;
  const latencies = new LatencyLog();
  const sentAt = new Float64Array(4096); // by id; far more than are ever in flight
  const next = (): void => {
    if (stopped) return;
    const to = ids[sent % ids.length]!;
    sentAt[sent % sentAt.length] = performance.now();
    sender.send(`{"event":"send","payload":{"to":"${to}","n":${sent}},"id":${sent}}`);
    sent++;
  };
  sender.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { payload?: unknown; id: number };
    if (reply.payload !== true) failure ??= data.toString();
    latencies.add(performance.now() - sentAt[reply.id % sentAt.length]!);
    answered++;
    next();
  });
  for (let i = 0; i < inFlight; i++) next();
  const windows = await measure(planFrom(args), {
    reset: () => {
      answered = 0;
      latencies.clear();
    },
    count: () => answered,
    latencies: () => latencies.view(),
  });
  stopped = true;
  await until(() => received >= sent, 10_000);
  if (failure) throw new Error(`a send did not resolve true: ${failure}`);
  // Every `true` is a delivery: the targets got each send.
  if (received !== sent) throw new Error(`targets got ${received} of ${sent} sends`);
  report({ windows });
  for (const ws of [sender, ...targets]) ws.terminate();
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

const modes: Record<string, () => Promise<void>> = { fan, send };
const run = modes[args['mode'] ?? 'fan'];
if (!run) throw new Error(`unknown mode ${args['mode']}`);
run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
