/**
 * @module dispatch/compiled-controller
 * Reads a controller's metadata once and builds everything its connections need at run time:
 * the event map, lifecycle hooks and the error path. Nothing here reads metadata per message.
 */
import type { ValidatorOptions } from 'class-validator';
import type { ErrorTap, FrameCheck, FrameLimiter, HandlerDescriptor, HandlerStep, InvokerEnhancer, StepEnhancer, StepFn } from '../spi/extensions';
import type { ConnectionHandle, ControllerInfo } from '../spi/handles';
import type { Logger } from '../util/logger';
import { getParamTypes } from '../metadata/reflection';
import type { ClassMetadata } from '../metadata/types';
import { encodeError } from '../protocol/envelope';
import { isUnexpected, toWireError } from './error-mapper';
import { buildInvoker, isThenable, type Invoker } from './invoker';
import { MessageHandler } from './message-handler';
import { compileResolvers } from './param-resolvers';
import { compilePayloadLimits, DEFAULT_PAYLOAD_LIMITS, type PayloadLimits } from '../validation/payload-limits';
import { MAX_EVENT_NAME_LENGTH } from '../protocol/wire';
import { clientRoomHandlers } from './client-rooms';

/** A lifecycle hook (connect, disconnect, raw, error), ready to run. */
export interface CompiledHook {
  readonly methodName: string;
  readonly invoke: Invoker;
}

export type { ErrorTap, HandlerDescriptor, InvokerEnhancer };

/** Settings a controller is compiled with. */
export interface CompileSettings {
  validation: ValidatorOptions;
  /** Structural limits checked on every message payload before its parameters resolve. @default DEFAULT_PAYLOAD_LIMITS */
  payloadLimits?: PayloadLimits | undefined;
  logger: Logger;
  enhancers?: readonly InvokerEnhancer[] | undefined;
  /** Wrappers of the steps inside each call (validation, the method; guards are the pipeline's). */
  steps?: readonly StepEnhancer[] | undefined;
  onError?: ErrorTap | undefined;
  /** Limits for frames that reach no handler (the request pipeline's app-wide and controller rate limits). */
  strayFrames?: FrameLimiter | undefined;
  /** How long a `clientRooms` function may take to answer. @default 10000 */
  clientRoomsTimeoutMs?: number | undefined;
}

/** A controller ready to serve its path. */
export interface CompiledController extends ControllerInfo {
  readonly messages: ReadonlyMap<string, MessageHandler>;
  readonly connectHooks: readonly CompiledHook[];
  readonly disconnectHooks: readonly CompiledHook[];
  readonly rawHook?: CompiledHook | undefined;
  /** The payload limits its message handlers enforce (`undefined`: none); the engine's parse scans large frames with them. */
  readonly payloadLimits: PayloadLimits | undefined;
  /** Counts a frame that reaches no handler against the limits, when any applies (see `FrameCheck`). */
  readonly checkStray?: FrameCheck | undefined;
  /** Sends a handler's failure to the client (after `@OnError` saw it, and logging if unexpected). */
  fail(client: ConnectionHandle, error: unknown, event: string | undefined, id: string | number | undefined): void;
  /** Reports a failure that cannot go to the client (disconnect hooks). */
  report(client: ConnectionHandle, error: unknown, where: string): void;
}

/** Compiles one controller instance with its metadata. */
export function compileController(
  type: Function,
  instance: object,
  meta: ClassMetadata,
  settings: CompileSettings,
): CompiledController {
  if (!meta.controller) throw new Error(`${type.name} is not a @WebSocketController`);
  const prototype = type.prototype as Record<string, unknown>;
  const messages = new Map<string, MessageHandler>();
  const connectHooks: CompiledHook[] = [];
  const disconnectHooks: CompiledHook[] = [];
  let rawHook: CompiledHook | undefined;
  let errorHook: CompiledHook | undefined;
  // Known once the controller exists (the limiter is built from it).
  const stray: { check?: FrameCheck } = {};
  const logger = settings.logger;
  const onError = settings.onError;
  const payloadLimits = settings.payloadLimits ?? DEFAULT_PAYLOAD_LIMITS;
  const checkPayload = compilePayloadLimits(payloadLimits);

  const controller: CompiledController = {
    type,
    name: type.name,
    path: meta.controller.path,
    instance,
    options: meta.controller.options,
    classMetadata: meta,
    messages,
    payloadLimits: checkPayload === undefined ? undefined : payloadLimits,
    connectHooks,
    disconnectHooks,
    get rawHook() {
      return rawHook;
    },
    get checkStray() {
      return stray.check;
    },
    fail(client, error, event, id) {
      notifyErrorHook(client, error, event);
      if (isUnexpected(error)) {
        logger.error({ err: error, controller: type.name, event, clientId: client.id }, 'handler failed');
      }
      const wire = toWireError(error, event);
      if (onError !== undefined) onError(client, wire, error);
      client.sendText(encodeError(wire, id));
    },
    report(client, error, where) {
      notifyErrorHook(client, error, undefined);
      logger.error({ err: error, controller: type.name, hook: where, clientId: client.id }, `${where} handler failed`);
      if (onError !== undefined) onError(client, toWireError(error, undefined), error);
    },
  };

  function notifyErrorHook(client: ConnectionHandle, error: unknown, event: string | undefined): void {
    if (!errorHook) return;
    try {
      const result = errorHook.invoke(client, undefined, { error, event });
      if (isThenable(result)) {
        result.then(undefined, (err: unknown) => logger.error({ err, controller: type.name }, '@OnError handler failed'));
      }
    } catch (err) {
      logger.error({ err, controller: type.name }, '@OnError handler failed');
    }
  }

  for (const [methodName, handler] of Object.entries(meta.handlers)) {
    if (!handler.kind) continue; // parameter decorators on a method that handles nothing
    const method = prototype[methodName];
    if (typeof method !== 'function') throw new Error(`${type.name}.${methodName} is not a method`);
    const types = getParamTypes(prototype, methodName);
    const descriptor: HandlerDescriptor = { controller: type, instance, methodName, kind: handler.kind, event: handler.event, metadata: handler, classMetadata: meta };
    const steps = settings.steps ?? [];
    // No step enhancer (tracing off): nothing is wrapped, the calls stay exactly as compiled.
    const wrap = steps.length === 0 ? undefined : (step: HandlerStep, run: StepFn): StepFn => steps.reduce((fn, enhance) => enhance(descriptor, step, fn), run);
    const { resolvers, asyncArgs } = compileResolvers(handler.kind, handler.params, types, handler.event, {
      validation: settings.validation,
      wrapConverter: wrap && ((convert, name, property) => wrap({ kind: 'validation', name, property }, convert as StepFn) as typeof convert),
    });
    const call = wrap ? wrap({ kind: 'handler', name: `${type.name}.${methodName}` }, method as StepFn) : method;
    let invoke = buildInvoker(instance, call as (...args: unknown[]) => unknown, resolvers, asyncArgs);
    // Innermost, like validation: after guards and rate limits, before any parameter resolves.
    if (handler.kind === 'message' && checkPayload !== undefined) {
      const resolve = invoke;
      invoke = (c, p, h) => {
        checkPayload(p);
        return resolve(c, p, h);
      };
    }
    invoke = enhance(descriptor, invoke);
    const hook: CompiledHook = { methodName, invoke };
    switch (handler.kind) {
      case 'message': {
        const event = handler.event as string;
        if (event.length > MAX_EVENT_NAME_LENGTH) {
          throw new Error(`${type.name}.${methodName} handles an event name longer than ${MAX_EVENT_NAME_LENGTH} characters`);
        }
        if (messages.has(event)) {
          throw new Error(`${type.name} handles the event '${event}' twice (${messages.get(event)?.methodName} and ${methodName})`);
        }
        messages.set(event, new MessageHandler(event, methodName, invoke, controller.fail));
        break;
      }
      case 'connect':
        connectHooks.push(hook);
        break;
      case 'disconnect':
        disconnectHooks.push(hook);
        break;
      case 'raw':
        if (rawHook) throw new Error(`${type.name} has two @OnRawMessage handlers`);
        rawHook = hook;
        break;
      case 'error':
        if (errorHook) throw new Error(`${type.name} has two @OnError handlers`);
        errorHook = hook;
        break;
    }
  }
  // The built-in room messages, unless the controller handles those events itself.
  const timeoutMs = settings.clientRoomsTimeoutMs ?? 10_000;
  for (const builtIn of clientRoomHandlers(type, instance, meta, meta.controller.options, timeoutMs)) {
    const { descriptor, payloadOf } = builtIn;
    const event = descriptor.event as string;
    if (messages.has(event)) continue;
    messages.set(event, new MessageHandler(event, descriptor.methodName, enhance(descriptor, builtIn.invoke), controller.fail, payloadOf));
  }
  stray.check = settings.strayFrames?.(controller);
  return controller;

  function enhance(descriptor: HandlerDescriptor, invoke: Invoker): Invoker {
    for (const enhancer of settings.enhancers ?? []) invoke = enhancer(descriptor, invoke);
    return invoke;
  }
}
