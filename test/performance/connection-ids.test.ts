/**
 * Connection ids cut from a pooled CSPRNG buffer: one fill per 4 KiB, not one `randomBytes` call
 * per connection (about 10 µs each here, a tenth of a whole handshake). Fails when the pool is bypassed.
 */
import crypto from 'node:crypto';
import {
  bootstrap,
  ConnectedClient,
  Module,
  OnConnect,
  WebSocketController,
  type WsApp,
  type WsClient,
} from 'ws-controllers';
import { randomId } from '../../src/util/random-id';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';

afterEach(() => jest.restoreAllMocks());

describe('randomId', () => {
  test('ids are base64url of the asked length, all different, from one CSPRNG fill per 4 KiB', () => {
    const fill = jest.spyOn(crypto, 'randomFillSync');
    const bytes = jest.spyOn(crypto, 'randomBytes');
    const ids = Array.from({ length: 1024 }, () => randomId(16)); // 16 KiB of randomness
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fill.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(fill.mock.calls.length).toBeLessThanOrEqual(5);
    expect(bytes).not.toHaveBeenCalled();
  });

  test('ids of mixed lengths keep their length across refills', () => {
    const lengths = [9, 16, 7, 16, 9];
    const ids = Array.from({ length: 2000 }, (_, i) => randomId(lengths[i % lengths.length]!));
    ids.forEach((id, i) => expect(Buffer.from(id, 'base64url').length).toBe(lengths[i % lengths.length]));
  });
});

@WebSocketController('/ids')
class IdController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): void {
    client.emit('id', client.id);
  }
}

@Module({ controllers: [IdController] })
class IdModule {}

test('connections get distinct 22-character ids without a randomBytes call each', async () => {
  const app: WsApp = await bootstrap(IdModule, testOptions);
  const bytes = jest.spyOn(crypto, 'randomBytes');
  try {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(urlOf(app.port, '/ids'))));
    const ids = await Promise.all(sockets.map(async (s) => (await s.next('id')).payload as string));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // ws's own handshake key check uses none either: the framework made no call per connection.
    expect(bytes.mock.calls.filter((call) => call[0] === 16)).toHaveLength(0);
    await Promise.all(sockets.map((s) => s.close()));
  } finally {
    await app.close();
  }
});
