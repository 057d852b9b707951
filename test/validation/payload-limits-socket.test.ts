import { IsInt, IsString } from 'class-validator';
import { bootstrap, Module, OnMessage, Payload, WebSocketController, type BootstrapOptions, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

class ItemDto {
  @IsString() name!: string;
  @IsInt() count!: number;
}

const calls: string[] = [];

@WebSocketController('/limits')
class LimitsController {
  @OnMessage('item')
  item(@Payload() item: ItemDto) {
    calls.push('item');
    return item.name;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    calls.push('echo');
    return payload ?? null;
  }

  @OnMessage('ping')
  ping() {
    calls.push('ping');
    return 'pong';
  }
}

@Module({ controllers: [LimitsController] })
class LimitsModule {}

let app: WsApp | undefined;
let socket: TestSocket | undefined;

async function start(options: BootstrapOptions = {}): Promise<TestSocket> {
  app = await bootstrap(LimitsModule, { ...testOptions, ...options });
  socket = await connect(urlOf(app.port, '/limits'));
  return socket;
}

afterEach(async () => {
  await socket?.close();
  await app?.close();
  calls.length = 0;
});

function keys(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) out[`k${i}`] = i;
  return out;
}

test('a typed payload with too many keys answers PAYLOAD_TOO_COMPLEX with its id, before validation', async () => {
  const client = await start();
  const reply = await client.request('item', { name: 'a', count: 1, ...keys(1000) });
  expect(reply).toEqual({
    event: 'error',
    id: 1,
    payload: {
      code: 'PAYLOAD_TOO_COMPLEX',
      message: 'Payload too complex',
      event: 'item',
      details: [{ property: '', constraints: { maxPayloadKeys: 'payload has more than 1000 keys' } }],
    },
  });
  expect(calls).toEqual([]);
});

test('a large frame over a limit gets the same answer, found by the scan before parsing', async () => {
  const client = await start();
  const reply = await client.request('item', keys(60_000));
  expect(reply.payload).toEqual({
    code: 'PAYLOAD_TOO_COMPLEX',
    message: 'Payload too complex',
    event: 'item',
    details: [{ property: '', constraints: { maxPayloadKeys: 'payload has more than 1000 keys' } }],
  });
  expect(reply.id).toBe(1);
  expect(calls).toEqual([]);
});

test('an untyped payload is held to the same limits at every depth', async () => {
  const client = await start();
  let deep: unknown = 'x';
  for (let i = 0; i < 33; i++) deep = [deep];
  const tooDeep = await client.request('echo', deep);
  expect(tooDeep.payload).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX', details: [{ property: '0.'.repeat(31) + '0', constraints: { maxPayloadDepth: expect.any(String) } }] });
  const tooLong = await client.request('echo', { list: new Array(10_001).fill(0) });
  expect(tooLong.payload).toMatchObject({ details: [{ property: 'list', constraints: { maxArrayLength: 'list has more than 10000 items' } }] });
  // A handler that declares no payload parameter still never receives one over the limits.
  expect((await client.request('ping', keys(1001))).payload).toMatchObject({ code: 'PAYLOAD_TOO_COMPLEX' });
  expect(calls).toEqual([]);
  // At the limits exactly, everything passes.
  let ok: unknown = 'x';
  for (let i = 0; i < 31; i++) ok = [ok];
  expect((await client.request('echo', ok)).payload).toEqual(ok);
  expect((await client.request('echo', { list: new Array(10_000).fill(0) })).event).toBe('echo');
});

test('the limits are options of bootstrap, and Infinity turns one off', async () => {
  const client = await start({ maxPayloadKeys: 2, maxArrayLength: Infinity, maxPayloadDepth: 2 });
  expect((await client.request('echo', { a: 1, b: 2, c: 3 })).payload).toMatchObject({
    code: 'PAYLOAD_TOO_COMPLEX',
    details: [{ property: '', constraints: { maxPayloadKeys: 'payload has more than 2 keys' } }],
  });
  expect((await client.request('echo', { a: { b: {} } })).payload).toMatchObject({ details: [{ property: 'a.b', constraints: { maxPayloadDepth: 'a.b is nested deeper than 2 levels' } }] });
  expect((await client.request('echo', new Array(20_000).fill(1))).event).toBe('echo');
  expect((await client.request('item', { name: 'ok', count: 1 })).payload).toBe('ok');
});
