/**
 * @module ws-controllers/deno
 * Run the same controllers on Deno: `bootstrap(AppModule, { port, transport: denoTransport() })`.
 */
export { denoTransport, DenoTransport } from './deno-transport';
