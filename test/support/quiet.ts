/** Shared test options: port 0 on loopback, no logs. */
import type { BootstrapOptions } from 'ws-controllers';

/** Options every test app starts with. */
export const testOptions: BootstrapOptions = { port: 0, host: '127.0.0.1', logger: false };
