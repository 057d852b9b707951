/**
 * @module ws-controllers
 * Public API of the main entry.
 */
// First, before tsyringe and any decorator: users never import the polyfill themselves.
import 'reflect-metadata';

export { WebSocketController } from './decorators/controller';
export { OnConnect, OnMessage, OnDisconnect, OnRawMessage, OnError } from './decorators/handlers';
export {
  Payload,
  ConnectedClient,
  Query,
  Headers,
  Param,
  CloseCode,
  CloseReason,
  RawMessage,
  createParamDecorator,
  type ParamContext,
} from './decorators/params';
export { Module } from './decorators/module';
export { WsException, ErrorCodes, type WsExceptionOptions } from './errors/ws-exception';
export type { WsClient, ServerRequestOptions } from './socket/ws-client';
export { bootstrap } from './app/bootstrap';
export { WsApp } from './app/ws-app';
export type { BootstrapOptions } from './app/options';
export type { RecoveryOptions } from './recovery/options';
export type { Logger, LogFn } from './app/logger';
export { RoomService, RoomTarget, type HistoryEntry, type HistoryOptions, type RoomReply, type RoomRequestResult } from './rooms/room-service';
export { ClientService, type BroadcastOptions } from './rooms/client-service';
export { PresenceService } from './presence/presence-service';
export type { PresenceEntry, PresenceChange, PresenceBackend, PresenceBackendOptions, PresencePut, PutResult, TrackRefusal } from './adapter/presence-backend';
export type { PresenceOptions } from './presence/options';
export type { Adapter, AdapterHost, BroadcastPacket } from './adapter/adapter';
export { InMemoryAdapter, InMemoryBus } from './adapter/in-memory-adapter';
export type { ControllerOptions, DeclaredType, ModuleMetadata, Provider, ProviderToken, PayloadOptions } from './metadata/types';
export { MissingMetadataError } from './metadata/reflection';
export type { RawMessageData } from './protocol/raw-message';
export type { ValidationDetail } from './validation/validation-details';
export { injectable, inject, singleton } from 'tsyringe';
export type { PerMessageDeflateOptions } from './transport/deflate';
export type { OriginPolicy } from './hardening/origin-gate';
export type { HandlerTimeout } from './hardening/handler-timeout';
export { UseGuards, UseMiddleware, UseInterceptors, UseFilters, RateLimit, Catch, Inject } from './decorators/pipeline';
export { Asks, Streams, type AskDeclaration } from './decorators/documentation';
export { ExecutionContext, scopedContainer, RATE_LIMIT_CLOSE, type PipelineOptions } from './pipeline/index';
export type {
  CanActivate,
  WsMiddleware,
  MiddlewareFn,
  Next,
  WsInterceptor,
  CallHandler,
  WsExceptionFilter,
  FilterOutcome,
  RateLimitOptions,
  GuardLike,
  GuardFn,
  MiddlewareLike,
  InterceptorLike,
  FilterLike,
} from './pipeline/types';
export type { FactoryResolve } from './metadata/types';
export type { MetricsOptions, HealthOptions, AdminOptions, MetricsRegistry } from './observability/options';
export type { TracingOptions, TracerProviderLike, ClientTraceContext } from './tracing/options';
export { ADMIN_DISCONNECT } from './observability/admin/admin-view';
export type { AdminSnapshot } from './observability/admin/admin-snapshot';
export type { SideRoutes, SideRequest, SideResponse, SideChannel, SideRefusal } from './spi/transport';
