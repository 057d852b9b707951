/**
 * @module ws-controllers/deno
 * Run the same controllers on Deno: `bootstrap(AppModule, { port, transport: denoTransport() })`.
 */
// Before anything that loads tsyringe or decorates: users never import the polyfill themselves.
import 'reflect-metadata';
export { denoTransport, DenoTransport } from './deno-transport';
