/**
 * A class-transformer release that moves its metadata storage: the deep import throws. The framework
 * must still load, pick the plain strategy, say so once, and validate exactly as class-validator does.
 */
import fc from 'fast-check';
import { DEFAULT_VALIDATOR_OPTIONS, compilePayloadConverter, converterPlan } from '../../src/validation/payload-validator';
import { validatorStrategy } from '../../src/validation/validator-strategy';
import { cases, payloads, reference } from './support/corpus';
import { WsException } from 'ws-controllers';

jest.mock('../../src/validation/transformer-storage-module', () => ({
  loadStorageModule: () => {
    throw new Error("Cannot find module 'class-transformer/cjs/storage'");
  },
}));

test('with the internal gone, the plain strategy is chosen and the reason is told once', () => {
  const warn = jest.fn();
  expect(validatorStrategy(warn).name).toBe('plain');
  expect(validatorStrategy(warn).name).toBe('plain');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/fast path off.*cannot be loaded/);
});

test.each(cases.map((c) => [c.name, c] as const))('%s: the plain path still agrees with class-validator', (_n, c) => {
  const convert = compilePayloadConverter(c.dto, '', DEFAULT_VALIDATOR_OPTIONS);
  expect(converterPlan(convert)).toEqual({ strategy: 'plain', fastTransform: false, fastCheck: false, fastErrors: false, unknownKeys: false });
  fc.assert(
    fc.property(payloads(c), (value) => {
      const expected = reference(c.dto, structuredClone(value), DEFAULT_VALIDATOR_OPTIONS);
      let actual: unknown;
      try {
        actual = { ok: true, instance: convert(structuredClone(value)) };
      } catch (error) {
        actual = error instanceof WsException ? { ok: false, details: error.details } : { ok: 'throws', message: (error as Error).message };
      }
      expect(actual).toEqual(expected);
    }),
    { numRuns: 100 },
  );
});

test('an app still boots and validates over a socket', async () => {
  const { bootstrap, Module, OnMessage, Payload, WebSocketController } = await import('ws-controllers');
  const { FlatDto } = await import('./support/corpus');
  const { connect, urlOf } = await import('../support/ws-test-client');
  @WebSocketController('/plain')
  class PlainController {
    @OnMessage('flat')
    flat(@Payload() dto: InstanceType<typeof FlatDto>) {
      return dto instanceof FlatDto ? dto.text : 'not an instance';
    }
  }
  Reflect.defineMetadata('design:paramtypes', [FlatDto], PlainController.prototype, 'flat');
  @Module({ controllers: [PlainController] })
  class PlainModule {}
  const app = await bootstrap(PlainModule, { port: 0, host: '127.0.0.1', logger: false });
  const socket = await connect(urlOf(app.port, '/plain'));
  try {
    expect((await socket.request('flat', { text: 'ok', n: 1 })).payload).toBe('ok');
    expect((await socket.request('flat', { text: 'ok', n: -1, x: 1 })).payload).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ property: 'x', constraints: { whitelistValidation: 'property x should not exist' } }, { property: 'n', constraints: { min: expect.any(String) } }],
    });
  } finally {
    await socket.close();
    await app.close();
  }
});
