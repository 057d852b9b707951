/**
 * @module ws-controllers/bun
 * Run the same controllers on Bun: `bootstrap(AppModule, { port, transport: bunTransport() })`.
 */
// Before anything that loads tsyringe or decorates: users never import the polyfill themselves.
import 'reflect-metadata';
export { bunTransport, BunTransport } from './bun-transport';
