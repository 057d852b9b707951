/**
 * @module asyncapi/controller-events
 * Reads what each controller of a module handles: its path, and per event the payload and reply
 * schemas (from `@Payload()` parameter types and `design:returntype`).
 */
import { DOC_EXTRAS, type AskDeclaration, type StreamDeclaration } from '../decorators/documentation';
import { collectModuleGraph } from '../discovery/module-graph';
import { getParamTypes, getReturnType, readClassMetadata } from '../metadata/reflection';
import type { ControllerOptions, HandlerMetadata } from '../metadata/types';
import type { JsonSchema } from './constraint-schema';
import type { SchemaRegistry } from './schema-registry';

type Class = new (...args: never[]) => unknown;

/** One `@OnMessage` handler as the document describes it. */
export interface EventDescription {
  event: string;
  method: string;
  /** Schema of the payload, when the handler takes one. */
  payload?: JsonSchema | undefined;
  /** Whether the payload must be present (it is validated against a declared type). */
  payloadRequired: boolean;
  /** Schema of the reply, when the declared return type says what it is. */
  reply?: JsonSchema | undefined;
  /** Set when the handler streams its reply (`async *`, or `@Streams`): the schema of each item, if known. */
  stream?: { item?: JsonSchema | undefined } | undefined;
}

/** One `@Asks` declaration: a server request the clients of the controller answer. */
export interface AskDescription {
  event: string;
  summary?: string | undefined;
  payload?: JsonSchema | undefined;
  reply?: JsonSchema | undefined;
}

/** One controller as the document describes it. */
export interface ControllerDescription {
  name: string;
  path: string;
  options: ControllerOptions;
  events: EventDescription[];
  /** Server requests declared with `@Asks`. */
  asks: AskDescription[];
}

/** Every controller of a module tree (imports included), with its message handlers. */
export function describeControllers(module: Class, registry: SchemaRegistry): ControllerDescription[] {
  return collectModuleGraph(module).controllers.map((controller) => {
    const meta = readClassMetadata(controller);
    if (!meta?.controller) throw new Error(`${controller.name} is listed as a controller but has no @WebSocketController()`);
    const events: EventDescription[] = [];
    for (const [method, handler] of Object.entries(meta.handlers)) {
      if (handler.kind === 'message' && handler.event !== undefined) {
        events.push(describeEvent(controller.prototype as object, method, handler, registry));
      }
    }
    const asks = ((meta.extras[DOC_EXTRAS.asks] ?? []) as AskDeclaration[]).map((ask) => describeAsk(ask, registry));
    return { name: controller.name, path: meta.controller.path, options: meta.controller.options, events, asks };
  });
}

function describeEvent(prototype: object, method: string, handler: HandlerMetadata, registry: SchemaRegistry): EventDescription {
  const types = getParamTypes(prototype, method);
  const payloads = handler.params.filter((p) => p.kind === 'payload').sort((a, b) => a.index - b.index);
  const description: EventDescription = { event: handler.event as string, method, payloadRequired: false };
  const whole = payloads.find((p) => p.name === undefined);
  if (whole) {
    const schema = registry.forType(types[whole.index]);
    // A payload of undeclared type (`unknown`, `object`) is any JSON value, and optional.
    description.payload = schema ?? { description: 'Any JSON value' };
    description.payloadRequired = schema !== undefined && whole.payload?.validate !== false;
  } else if (payloads.length > 0) {
    // `@Payload('room') room: string`: each named parameter is a property of an object payload.
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const param of payloads) {
      const name = param.name as string;
      const schema = registry.forType(types[param.index]);
      properties[name] = schema ?? {};
      if (schema) required.push(name);
    }
    description.payload = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
    description.payloadRequired = true;
  }
  const declared = (handler.extras[DOC_EXTRAS.streams] as StreamDeclaration[] | undefined)?.[0];
  const fn = (prototype as Record<string, unknown>)[method];
  if (declared !== undefined || Object.prototype.toString.call(fn) === '[object AsyncGeneratorFunction]') {
    description.stream = { item: declared?.item === undefined ? undefined : registry.forType(declared.item) };
    return description; // a generator's declared return type (AsyncGenerator) says nothing of its items
  }
  const reply = registry.forType(getReturnType(prototype, method));
  if (reply) description.reply = reply;
  return description;
}

function describeAsk(ask: AskDeclaration, registry: SchemaRegistry): AskDescription {
  return {
    event: ask.event,
    summary: ask.summary,
    payload: ask.payload === undefined ? undefined : registry.forType(ask.payload),
    reply: ask.reply === undefined ? undefined : registry.forType(ask.reply),
  };
}
