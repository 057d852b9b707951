/**
 * @module app/bootstrap
 * The composition root: discovers a module tree, builds its container and controllers, and serves.
 */
import { InMemoryAdapter } from '../adapter/in-memory-adapter';
import { createAppContainer, registerProvider } from '../di/app-container';
import { compileController, type CompiledController } from '../dispatch/compiled-controller';
import { collectModuleGraph } from '../discovery/module-graph';
import { RouteTable } from '../discovery/route-table';
import { ConnectionEngine } from '../engine/connection-engine';
import { resolveDeflate } from '../transport/deflate';
import { createHardening } from '../hardening/hardening';
import { readClassMetadata } from '../metadata/reflection';
import { createObservability } from '../observability/observability';
import { RequestPipeline } from '../pipeline/request-pipeline';
import { ClientService } from '../rooms/client-service';
import { Hub } from '../rooms/hub';
import { RoomService } from '../rooms/room-service';
import { PresenceService } from '../presence/presence-service';
import { resolvePresenceOptions } from '../presence/options';
import { NodeWsTransport } from '../transport/node-ws-transport';
import { createTracing } from '../tracing/tracing';
import type { Transport } from '../spi/transport';
import { resolveLogger } from './logger';
import { resolveOptions, type BootstrapOptions } from './options';
import { validatorStrategy } from '../validation/validator-strategy';
import { WsApp } from './ws-app';
import { resolveRecovery } from '../recovery/options';
import { assertRecoverySupported, createRecoveryStore } from '../recovery/create-store';
import { SessionRecovery } from '../engine/session-recovery';

type Class = new (...args: never[]) => unknown;

/** Starts an app from its root module. */
export async function bootstrap(module: Class, options: BootstrapOptions = {}): Promise<WsApp> {
  const settings = resolveOptions(options);
  const recovery = resolveRecovery(settings.recovery);
  const logger = resolveLogger(settings.logger);
  const observability = createObservability(settings, logger);
  const tracing = createTracing(settings.tracing, logger);
  const graph = collectModuleGraph(module);
  const presenceSettings = resolvePresenceOptions(settings.presence);

  const container = createAppContainer();
  const adapter = settings.adapter ?? new InMemoryAdapter();
  if (recovery !== undefined) assertRecoverySupported(adapter);
  // Cross-node spans only with an adapter of the user's (the default one never leaves the process).
  const traceCluster = tracing !== undefined && settings.adapter !== undefined ? tracing : undefined;
  const cluster = traceCluster?.adapterView(adapter) ?? adapter;
  const hub = new Hub(observability?.adapterView(cluster) ?? cluster, logger, settings.maxBufferedBytes, settings.maxRoomsPerClient);
  container.register(RoomService, { useValue: new RoomService(hub) });
  container.register(ClientService, { useValue: new ClientService(hub) });
  // With session recovery, presence entries outlive a connection (and its node) until the session ends.
  const presence = new PresenceService(hub, adapter, presenceSettings, recovery !== undefined);
  container.register(PresenceService, { useValue: presence });
  const steps = [...(settings.steps ?? []), ...(tracing ? [tracing.steps] : [])];
  const pipeline = new RequestPipeline(container, { ...settings, steps }, logger);
  for (const provider of graph.providers) if (!pipeline.scopes.register(provider)) registerProvider(container, provider);
  // Overrides come last: tsyringe resolves a token to its latest registration.
  for (const provider of settings.overrides ?? []) if (!pipeline.scopes.register(provider)) registerProvider(container, provider);

  const hardening = createHardening(settings);
  // Hardening wraps last (outermost) and gates first: limits and origin run before any user code.
  // Metrics wrap outermost but for tracing, so they count and time every message a handler was called for;
  // the message span is outermost of all.
  const enhancers = [
    pipeline.enhancer,
    ...(settings.enhancers ?? []),
    ...hardening.enhancers,
    ...(observability?.enhancers ?? []),
    ...(tracing ? [tracing.enhancer] : []),
  ];
  // Probes the DTO fast path once per process; says so here if it had to fall back to the plain one.
  validatorStrategy((message) => logger.warn(message));
  const routes = new RouteTable<CompiledController>();
  for (const type of graph.controllers) {
    const meta = readClassMetadata(type);
    if (!meta?.controller) throw new Error(`${type.name} is listed as a controller but has no @WebSocketController()`);
    container.registerSingleton(type as never);
    const instance = container.resolve(type as never) as object;
    const compiled = compileController(type, instance, meta, {
      validation: settings.validation,
      payloadLimits: { maxDepth: settings.maxPayloadDepth, maxKeys: settings.maxPayloadKeys, maxArrayLength: settings.maxArrayLength },
      logger,
      enhancers,
      steps,
      onError: observability?.onError,
      strayFrames: pipeline.strayFrames,
      clientRoomsTimeoutMs: settings.handshakeTimeoutMs,
    });
    routes.add(meta.controller.path, compiled, (existing) => existing.name);
  }

  const engine = new ConnectionEngine(routes, hub, logger, {
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    // The upgrade span starts in the first gate, so it covers the others and @OnConnect.
    gates: [...(tracing ? [tracing.gate] : []), ...hardening.gates, ...(settings.gates ?? []), pipeline.gate],
    observers: [
      ...hardening.observers,
      ...(settings.observers ?? []),
      pipeline.observer,
      ...(observability?.observers ?? []),
      ...(tracing ? [tracing.observer] : []),
    ],
    onError: observability?.onError,
    onEnvelope: tracing?.onEnvelope,
    inFlight: hardening.inFlight,
  });
  const transport: Transport =
    settings.transport ??
    new NodeWsTransport({
      port: settings.port,
      host: settings.host,
      server: settings.server,
      maxPayload: settings.maxPayload,
      logger,
      perMessageDeflate: resolveDeflate(settings.perMessageDeflate),
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxPingsPer10s: settings.maxPingsPer10s,
      maxFragments: settings.maxFragments,
      memoryBudgetBytes: settings.memoryBudgetBytes,
    });
  hub.prepare = (text) => transport.prepare(text);
  const publish = transport.publish?.bind(transport);
  if (publish) hub.usePublisher(publish);
  observability?.attach({ hub, engine, transport, adapter, routes: graph.controllers.map((c) => readClassMetadata(c)?.controller?.path ?? '/') });
  const host = traceCluster?.hostView(hub) ?? hub;
  await adapter.init(host);
  if (recovery !== undefined) {
    const store = createRecoveryStore(adapter, host, recovery);
    hub.store = store;
    engine.enableRecovery(new SessionRecovery(store, recovery, hub, logger));
  }
  await presence.start();
  await transport.listen(engine, { port: settings.port, host: settings.host, maxPayload: settings.maxPayload, logger, server: settings.server });

  const app = new WsApp(container, engine, transport, adapter, settings.closeTimeoutMs, logger);
  container.register(WsApp, { useValue: app });
  if (observability) {
    observability.started();
    app.metricsSource = () => observability.metrics();
  }
  logger.info(
    { port: transport.port, routes: graph.controllers.map((c) => describeRoute(c)), endpoints: observability?.endpoints },
    `ws-controllers listening on port ${transport.port}`,
  );
  return app;
}

function describeRoute(type: Class): { path: string; controller: string; events: string[]; handlers: string[] } {
  const meta = readClassMetadata(type);
  const handlers = Object.entries(meta?.handlers ?? {});
  const events = handlers.flatMap(([, h]) => (h.kind === 'message' && h.event ? [h.event] : []));
  // One line per handler, e.g. "message 'say' -> say()", "connect -> authenticate()".
  const described = handlers.flatMap(([method, h]) => (h.kind ? [`${h.kind}${h.kind === 'message' ? ` '${h.event}'` : ''} -> ${method}()`] : []));
  return { path: meta?.controller?.path ?? '?', controller: type.name, events, handlers: described };
}
