// `npm run sample:cluster`: two chat nodes on two ports sharing one Redis (REDIS_URL, default
// redis://127.0.0.1:6379), so a browser on each port chats with the other. Run after build.mjs.
// PORT sets the first port (default 3000); the second node listens on PORT + 1.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), 'dist', 'sample-app', 'src', 'main.js');
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const firstPort = Number(process.env.PORT ?? 3000);

const nodes = [firstPort, firstPort + 1].map((port, index) => {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = `[node ${index + 1}] `;
  const relay = (stream, out) => stream.on('data', (chunk) => out.write(chunk.toString().replace(/^(?=.)/gm, tag)));
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return child;
});

let stopping = false;
const stop = (signal) => {
  stopping = true;
  for (const child of nodes) if (child.exitCode === null) child.kill(signal);
};
process.once('SIGINT', () => stop('SIGTERM'));
process.once('SIGTERM', () => stop('SIGTERM'));

let running = nodes.length;
let failed = false;
for (const child of nodes) {
  child.on('exit', (code) => {
    if (code !== 0) failed = true;
    if (!stopping) {
      if (code !== 0) console.error(`A node stopped (exit ${code}); is Redis running at ${redisUrl}? (e.g. \`redis-server\`)`);
      stop('SIGTERM');
    }
    if (--running === 0) process.exit(failed && !stopping ? 1 : 0);
  });
}
