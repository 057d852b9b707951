import { resolveOptions } from '../../src/app/options';
import { resolveDeflate } from '../../src/transport/deflate';
import { createHardening } from '../../src/hardening/hardening';

test('the documented defaults are the ones applied', () => {
  const settings = resolveOptions({});
  expect(settings).toMatchObject({
    maxPayload: 1024 * 1024,
    maxBufferedBytes: 8 * 1024 * 1024,
    handshakeTimeoutMs: 10_000,
    closeTimeoutMs: 5_000,
    heartbeatIntervalMs: 30_000,
  });
  expect(settings.perMessageDeflate).toBeUndefined();
  expect(resolveDeflate(settings.perMessageDeflate)).toBe(false);
  expect(settings.requireOrigin).toBeUndefined();
  expect(settings.handlerTimeoutMs).toBeUndefined();
});

test('without hardening options no upgrade gate runs (any origin, no connection limit)', () => {
  const hardening = createHardening({});
  expect(hardening.gates).toEqual([]);
  expect(hardening.observers).toEqual([]);
  expect(hardening.limits).toBeUndefined();
});

test('each hardening option adds its gate: origin first, then the connection limits', () => {
  const hardening = createHardening({ allowedOrigins: ['https://a.example'], maxConnectionsPerIp: 5 });
  expect(hardening.gates).toHaveLength(2);
  expect(hardening.gates[1]).toBe(hardening.limits?.gate);
});
