/**
 * @module asyncapi
 * AsyncAPI 3.0 documents of ws-controllers modules (`ws-controllers/asyncapi`).
 */
// Before anything that loads tsyringe or decorates: users never import the polyfill themselves.
import 'reflect-metadata';
export { createAsyncApiDocument, type AsyncApiDocument, type AsyncApiOptions } from './document';
export { verifyEventMap } from './verify-event-map';
export type { JsonSchema } from './constraint-schema';
