import { bootstrap, ClientService, ConnectedClient, Module, OnMessage, WebSocketController, type WsClient } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf } from '../support/ws-test-client';

@WebSocketController('/feed')
class FeedController {
  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient) {
    return client.id;
  }
}

@Module({ controllers: [FeedController] })
class FeedModule {}

test('a client that stops reading is closed with 1013 once its buffer passes maxBufferedBytes, and others keep receiving', async () => {
  const app = await bootstrap(FeedModule, { ...testOptions, maxBufferedBytes: 256 * 1024 });
  try {
    const slow = await connect(urlOf(app.port, '/feed'));
    const fast = await connect(urlOf(app.port, '/feed'));
    const slowId = (await slow.request('whoami')).payload as string;
    const fastId = (await fast.request('whoami')).payload as string;
    // Stop reading: the TCP window fills, then the server-side buffer grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const clients = app.get(ClientService);
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    while (clients.get(slowId)?.readyState === 1 && sent < 2000) {
      await clients.send(slowId, 'chunk', chunk);
      sent++;
      if (sent % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(clients.get(slowId)?.readyState ?? 3).toBeGreaterThanOrEqual(2);
    expect(await clients.send(fastId, 'still', 'here')).toBe(true);
    expect((await fast.next('still')).payload).toBe('here');
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    expect([1013, 1006]).toContain(closed.code);
    await fast.close();
  } finally {
    await app.close();
  }
});
