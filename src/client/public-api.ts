/**
 * @module client/public-api
 * Everything both client entries (browser and Node) export besides `connect`.
 */
export { Client } from './client';
export type { ServerErrorPayload, PushName, PushPayload, ClientRuntime, StreamItem } from './client-types';
export type { StreamOptions } from './streams';
export type {
  BuiltInPushes,
  PresenceDiff,
  PresenceMember,
  PresenceMetaOf,
  PresencePushes,
  PresenceState,
  SessionFrame,
  SessionInfo,
} from './built-in-pushes';
export type { PresenceChange, PresenceView } from './presence';
export { ClientError, ClientErrorCodes, type ClientErrorInit } from './client-error';
export type { ReconnectOptions } from './backoff';
export type { ClientOptions, ClientStatus, QueryValues, RequestOptions } from './options';
export type { SocketConstructor, SocketLike } from './socket-like';
export type {
  AnyEvents,
  AnyPushes,
  ControllerEvents,
  EventMap,
  EventSpec,
  HandlerRef,
  MethodNames,
  PayloadOf,
  PushMap,
  ResultOf,
  SameNameEvents,
} from './event-map';
