/** The in-memory socket pair under the in-process transport. */
import { createLink, type LinkEnd } from '../../src/testing/in-process-link';

interface Heard {
  frames: Array<string | Buffer>;
  closed: Promise<{ code: number; reason: string }>;
}

function listen(end: LinkEnd): Heard {
  const frames: Array<string | Buffer> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    end.listener = { frame: (data) => frames.push(data), closed: (code, reason) => resolve({ code, reason }) };
  });
  return { frames, closed };
}

function pair(maxPayload = 1024): { client: LinkEnd; server: LinkEnd; atClient: Heard; atServer: Heard } {
  const [client, server] = createLink({ client: maxPayload, server: maxPayload });
  return { client, server, atClient: listen(client), atServer: listen(server) };
}

test('a closing handshake reports the initiator code and reason on both ends', async () => {
  const { client, atClient, atServer } = pair();
  client.close(4000, 'bye');
  expect(client.readyState).toBe(2);
  await expect(atClient.closed).resolves.toEqual({ code: 4000, reason: 'bye' });
  await expect(atServer.closed).resolves.toEqual({ code: 4000, reason: 'bye' });
  expect(client.readyState).toBe(3);
});

test('when both ends close at once, each reports the code it received', async () => {
  const { client, server, atClient, atServer } = pair();
  client.close(4000, 'from client');
  server.close(4001, 'from server');
  await expect(atClient.closed).resolves.toEqual({ code: 4001, reason: 'from server' });
  await expect(atServer.closed).resolves.toEqual({ code: 4000, reason: 'from client' });
});

test('terminate drops the connection with 1006 on both ends', async () => {
  const { server, atClient, atServer } = pair();
  server.terminate();
  await expect(atServer.closed).resolves.toEqual({ code: 1006, reason: '' });
  await expect(atClient.closed).resolves.toEqual({ code: 1006, reason: '' });
});

test('frames sent after close are dropped, frames sent before it are delivered', async () => {
  const { client, server, atServer } = pair();
  client.send('before', false);
  client.close(1000);
  client.send('after', false);
  await atServer.closed;
  expect(atServer.frames).toEqual(['before']);
  expect(server.readyState).toBe(3);
});

test('the peer still receives frames sent while it is closing', async () => {
  const { client, server, atClient } = pair();
  client.close(1000);
  server.send('late reply', false);
  await atClient.closed;
  expect(atClient.frames).toEqual(['late reply']);
});

test('a frame over maxPayload is not delivered and closes with 1009', async () => {
  const { client, atClient, atServer } = pair(4);
  client.send('12345', false);
  await expect(atServer.closed).resolves.toEqual({ code: 1009, reason: '' });
  await expect(atClient.closed).resolves.toEqual({ code: 1009, reason: '' });
  expect(atServer.frames).toEqual([]);
});

test('maxPayload counts bytes, not characters', async () => {
  const { client, atServer } = pair(4);
  client.send('ééé', false);
  await expect(atServer.closed).resolves.toMatchObject({ code: 1009 });
});

test('close codes and reasons that cannot be sent throw', () => {
  const { client } = pair();
  expect(() => client.close(999)).toThrow('First argument must be a valid error code number');
  expect(() => client.close(1005)).toThrow(TypeError);
  expect(() => client.close(5000)).toThrow(TypeError);
  expect(() => client.close(1000, 'x'.repeat(124))).toThrow(SyntaxError);
  expect(client.readyState).toBe(1);
  client.terminate();
});
