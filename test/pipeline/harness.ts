/** Starts test apps and sockets for the pipeline tests, and closes them all after each test. */
import { bootstrap, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type Refusal, type TestSocket } from '../support/ws-test-client';

type Class = new (...args: never[]) => unknown;

const apps: WsApp[] = [];
const sockets: TestSocket[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

/** Boots a module on a free loopback port. */
export async function start(module: Class, options: BootstrapOptions = {}): Promise<WsApp> {
  const app = await bootstrap(module, { ...testOptions, ...options });
  apps.push(app);
  return app;
}

/** Connects to a path of an app. */
export async function open(app: WsApp, path: string): Promise<TestSocket> {
  const socket = await connect(urlOf(app.port, path));
  sockets.push(socket);
  return socket;
}

/** Connects and expects the upgrade to be refused. */
export async function refusal(app: WsApp, path: string): Promise<Refusal> {
  try {
    sockets.push(await connect(urlOf(app.port, path)));
  } catch (error) {
    return error as Refusal;
  }
  throw new Error(`expected ${path} to be refused`);
}

/** Resolves once `condition` holds (polls the event loop; not a timed assertion). */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
