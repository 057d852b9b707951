/**
 * The upgrade gate answers synchronous guards synchronously: `true` or a FORBIDDEN throw, no promise,
 * so the engine sets no handshake timer for them. Fails when the gate goes back to always-async.
 */
import { container } from 'tsyringe';
import { WebSocketController, type ExecutionContext } from 'ws-controllers';
import { readClassMetadata } from '../../src/metadata/reflection';
import { RequestPipeline } from '../../src/pipeline/request-pipeline';
import type { ConnectionHandle, ControllerInfo } from '../../src/spi/handles';

const silent = {
  info: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
} as never;

describe('upgrade gate', () => {
  @WebSocketController('/gated')
  class GatedController {}

  const controller = {
    type: GatedController,
    classMetadata: readClassMetadata(GatedController)!,
  } as unknown as ControllerInfo;
  const connection = { id: 'c1', query: {} } as unknown as ConnectionHandle;
  const gateWith = (guards: Array<(ctx: ExecutionContext) => boolean | Promise<boolean>>): unknown =>
    new RequestPipeline(container.createChildContainer(), { guards }, silent).gate(connection, controller);

  test('synchronous guards are answered synchronously: true, no promise', () => {
    expect(gateWith([() => true, () => true])).toBe(true);
  });

  test('a synchronous guard saying no refuses synchronously with FORBIDDEN', () => {
    expect(() => gateWith([() => true, () => false])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  test('an async guard makes the rest a promise, and its no still refuses', async () => {
    const allowed = gateWith([() => true, async () => true]);
    expect(allowed).toBeInstanceOf(Promise);
    await expect(allowed).resolves.toBeUndefined();
    await expect(gateWith([async () => true, () => false])).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('no guards: nothing to run', () => {
    expect(gateWith([])).toBeUndefined();
  });
});
