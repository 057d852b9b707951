/**
 * @module ws-controllers/bun
 * Run the same controllers on Bun: `bootstrap(AppModule, { port, transport: bunTransport() })`.
 */
export { bunTransport, BunTransport } from './bun-transport';
