/**
 * @module asyncapi/verify-event-map
 * Checks a hand-written client event map (the `M` of `ControllerEvents<C, M>`) against the
 * controller's `@OnMessage` decorators, so the compile-time map cannot drift from the run-time one.
 */
import { readClassMetadata } from '../metadata/reflection';

type Class = abstract new (...args: never[]) => unknown;

/** The problems of an event -> method map (empty when it matches the decorators). */
export function verifyEventMap(controller: Class, map: Record<string, string | { method: string }>): string[] {
  const handlers = readClassMetadata(controller)?.handlers ?? {};
  const methodOf = new Map<string, string>();
  for (const [method, handler] of Object.entries(handlers)) {
    if (handler.kind === 'message' && handler.event !== undefined) methodOf.set(handler.event, method);
  }
  const problems: string[] = [];
  for (const [event, ref] of Object.entries(map)) {
    const method = typeof ref === 'string' ? ref : ref.method;
    const actual = methodOf.get(event);
    if (actual === undefined) problems.push(`${controller.name} handles no event '${event}'`);
    else if (actual !== method) problems.push(`'${event}' is handled by ${controller.name}.${actual}, not ${method}`);
  }
  return problems;
}
