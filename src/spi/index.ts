/**
 * @module ws-controllers/spi
 * The public extension interface: what a transport, an upgrade gate, a lifecycle observer or an
 * invoker enhancer is written against. Types here are stable within a major version; nothing here
 * needs a deep import of the package's internals.
 */
export { ReadyState, type PreparedFrame, type TransportSocket } from '../socket/socket';
export type {
  ConnectionRef,
  Handshake,
  SideChannel,
  SideRefusal,
  SideRequest,
  SideResponse,
  SideRoutes,
  Transport,
  TransportContext,
  TransportEngine,
  UpgradeDecision,
} from './transport';
export type { ConnectionHandle, ControllerInfo } from './handles';
export type {
  EngineObserver,
  EnvelopeTap,
  ErrorTap,
  FrameCheck,
  FrameLimiter,
  HandlerDescriptor,
  HandlerStep,
  HookInput,
  Invoker,
  InvokerEnhancer,
  StepEnhancer,
  StepFn,
  UpgradeGate,
} from './extensions';
export type { EngineObserver as LifecycleObserver } from './extensions';
export type { LogFn, Logger } from '../util/logger';
export { isThenable } from '../util/thenable';
export { IntrusiveList, type ListLinks } from '../util/intrusive-list';
export type { WsClient } from '../socket/ws-client';
export { handshakeProblem, handshakeProblemOf, type HandshakeCheckOptions } from './handshake-check';
export { handshakeFromRequest, refusalResponse, upgradeRequired } from './web-handshake';
export { WebStandardSocket, type StandardSocketLike } from './web-standard-socket';
export { CloseCodes, ABNORMAL_CLOSURE, NO_STATUS_RECEIVED, type CloseFrame } from '../protocol/close-codes';
export { BuiltInEvents, ErrorCodes, type Envelope, type WireError } from '../protocol/wire';
export { RawMessageData } from '../protocol/raw-message';
