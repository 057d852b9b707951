/**
 * @module ws-controllers/testing
 * Test helpers: an in-process (or real-port) app with provider overrides and a scriptable client,
 * and a mock `WsClient` for unit tests.
 */
// Before anything that loads tsyringe or decorates: users never import the polyfill themselves.
import 'reflect-metadata';
export { createTestingApp, TestingApp, type TestingAppOptions, type TestConnectOptions, type TestingTransport } from './testing-app';
export { TestClient, type TestEnvelope, type TestFrame, type CloseInfo, type WaitOptions } from './test-client';
export { createMockClient, type MockWsClient, type MockClientInit, type MockFunction, type MockFactory } from './mock-client';
export { ConnectionRefusedError, ErrorReply, type ErrorReplyPayload } from './errors';
export { InProcessTransport, type InProcessTransportOptions } from './in-process-transport';
