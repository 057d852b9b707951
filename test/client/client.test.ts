import { bootstrap, type WsApp } from 'ws-controllers';
import { ClientError, connect, type Client, type ClientOptions, type ClientStatus } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { CalcLog, CalcModule, type CalcEvents, type CalcPushes } from './fixtures/calc-app';

let app: WsApp;
const clients: Array<Client<object, object>> = [];

beforeEach(async () => {
  app = await bootstrap(CalcModule, testOptions);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await app.close();
});

function open(options: ClientOptions = {}, path = '/calc'): Client<CalcEvents, CalcPushes> {
  const client = connect<CalcEvents, CalcPushes>(`ws://127.0.0.1:${app.port}${path}`, options);
  clients.push(client);
  return client;
}

function statusReached(client: Client<object, object>, wanted: ClientStatus): Promise<void> {
  return new Promise((resolve) => {
    if (client.status === wanted) return resolve();
    const stop = client.onStatus((status) => {
      if (status === wanted) {
        stop();
        resolve();
      }
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await promise;
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected a rejection');
}

describe('requests and replies', () => {
  test('a request resolves with the reply payload', async () => {
    const client = open();
    await client.ready();
    await expect(client.request('add', { a: 1, b: 2 })).resolves.toBe(3);
  });

  test('requests made before the connection is open are queued and sent once it opens', async () => {
    const client = open();
    expect(client.status).toBe('connecting');
    const results = await Promise.all([client.request('add', { a: 1, b: 1 }), client.request('add', { a: 2, b: 2 })]);
    expect(results).toEqual([2, 4]);
  });

  test('a server error rejects the request with its code, message and details', async () => {
    const client = open();
    const error = await rejection(client.request('refuse'));
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'NOPE', message: 'not today', details: { why: 'because' }, event: 'refuse' });
  });

  test('a payload that fails validation rejects with VALIDATION_FAILED and the details', async () => {
    const client = open();
    const error = await rejection(client.request('add', { a: 1, b: 'two' } as unknown as { a: number; b: number }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ property: 'b' })]));
  });

  test('a request without a reply rejects with TIMEOUT after timeoutMs', async () => {
    const client = open();
    await client.ready();
    const error = await rejection(client.request('silent', undefined, { timeoutMs: 30 }));
    expect(error).toMatchObject({ code: 'TIMEOUT', event: 'silent' });
  });

  test('close() rejects pending requests with CLOSED', async () => {
    const client = open();
    await client.ready();
    const pending = expect(client.request('silent')).rejects.toMatchObject({ code: 'CLOSED' });
    await client.close();
    await pending;
    await expect(client.request('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('emits and pushes', () => {
  test('emit sends an event and on() receives what the server pushes', async () => {
    const client = open();
    const shouted = new Promise((resolve) => client.on('shouted', resolve));
    client.emit('shout', { text: 'hi' });
    await expect(shouted).resolves.toEqual({ text: 'HI' });
  });

  test('once() fires one time and off() stops a listener', async () => {
    const client = open();
    const seenOnce: string[] = [];
    const seenOn: string[] = [];
    const listener = (p: { text: string }): void => void seenOn.push(p.text);
    client.once('shouted', (p) => seenOnce.push(p.text));
    client.on('shouted', listener);
    client.emit('shout', { text: 'a' });
    await new Promise((resolve) => client.once('shouted', resolve));
    client.off('shouted', listener);
    client.emit('shout', { text: 'b' });
    await new Promise((resolve) => client.once('shouted', resolve));
    expect(seenOnce).toEqual(['A']);
    expect(seenOn).toEqual(['A']);
  });

  test('a server error answering an emit reaches the error listeners', async () => {
    const client = open();
    const error = new Promise((resolve) => client.on('error', resolve));
    client.emit('shout', { text: '' });
    await expect(error).resolves.toMatchObject({ code: 'VALIDATION_FAILED', event: 'shout' });
  });

  test('emits made while disconnected are queued, bounded, oldest dropped', async () => {
    const client = open({ queueSize: 2 });
    client.emit('record', 1);
    client.emit('record', 2);
    client.emit('record', 3);
    await expect(client.request('recorded')).resolves.toEqual([2, 3]);
  });
});

describe('connection lifecycle', () => {
  test('onStatus reports connecting, open, then closed', async () => {
    const client = open();
    const seen: ClientStatus[] = [];
    client.onStatus((s) => seen.push(s));
    await client.ready();
    await client.close();
    expect(seen).toEqual(['connecting', 'open', 'closed']);
  });

  test('close() before the connection opens never opens it and rejects ready()', async () => {
    const client = open();
    const seen: ClientStatus[] = [];
    client.onStatus((s) => seen.push(s));
    await client.close();
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    client.emit('record', 'ignored');
    expect(seen).toEqual(['closed']);
    expect(app.get(CalcLog).queries).toEqual([]);
  });

  test('the query option is appended to the URL', async () => {
    const client = open({ query: { token: 'good', n: 1, skip: undefined } });
    await client.ready();
    expect(app.get(CalcLog).queries).toEqual([{ token: 'good', n: '1' }]);
  });

  test('a refused handshake rejects ready() with the HTTP status and the server code', async () => {
    const client = open({ query: { token: 'bad' } });
    const error = await rejection(client.ready());
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: 'bad token', status: 401 });
    expect(client.status).toBe('closed');
  });

  test('requests queued before a refused handshake reject with the refusal', async () => {
    const client = open({ query: { token: 'bad' } });
    await expect(client.request('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  test('pending requests reject with DISCONNECTED when the connection drops', async () => {
    const client = open();
    await client.ready();
    const pending = client.request('silent');
    client.emit('kick', 1011);
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED', event: 'silent' });
  });

  test('reconnect is off by default in Node: a drop closes the client', async () => {
    const client = open();
    await client.ready();
    client.emit('kick', 1011);
    await statusReached(client, 'closed');
    await expect(client.ready()).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('reconnecting', () => {
  const fast = { initialDelayMs: 5, maxDelayMs: 20 };

  test('after a drop it reconnects, and emits made meanwhile are delivered', async () => {
    const client = open({ reconnect: fast });
    await client.ready();
    const seen: ClientStatus[] = [];
    client.onStatus((s) => {
      seen.push(s);
      if (s === 'reconnecting') client.emit('record', 'while away');
    });
    client.emit('kick', 1012);
    await statusReached(client, 'reconnecting');
    await statusReached(client, 'open');
    await expect(client.request('recorded')).resolves.toEqual(['while away']);
    expect(seen).toEqual(['reconnecting', 'open']);
  });

  test('the query function is called again for every connection attempt', async () => {
    let n = 0;
    const client = open({ reconnect: fast, query: () => ({ attempt: ++n }) });
    await client.ready();
    client.emit('kick', 1012);
    await statusReached(client, 'reconnecting');
    await client.ready();
    expect(app.get(CalcLog).queries).toEqual([{ attempt: '1' }, { attempt: '2' }]);
  });

  test('an application close code (4000-4999) is final even with reconnect on', async () => {
    const client = open({ reconnect: fast });
    await client.ready();
    client.emit('kick', 4001);
    await statusReached(client, 'closed');
  });

  test('a handshake refused with a 4xx status is not retried', async () => {
    const client = open({ reconnect: fast, query: { token: 'bad' } });
    await expect(client.ready()).rejects.toMatchObject({ status: 401 });
    expect(client.status).toBe('closed');
  });

  test('it gives up after maxRetries and rejects ready()', async () => {
    const client = open({ reconnect: { ...fast, maxRetries: 2 }, query: { token: 'busy' } });
    const seen: ClientStatus[] = [];
    client.onStatus((s) => seen.push(s));
    await expect(client.ready()).rejects.toMatchObject({ code: 'BUSY', status: 503 });
    expect(seen).toEqual(['connecting', 'reconnecting', 'closed']);
  });
});
