/** rooms.to(...).request across two apps joined by an InMemoryBus, over real sockets. */
import { bootstrap, InMemoryAdapter, InMemoryBus, RoomService, type WsApp } from 'ws-controllers';
import { connect as connectClient, type Client } from 'ws-controllers/client';
import { testOptions } from '../support/quiet';
import { TwoWayLog, TwoWayModule } from './fixtures/two-way-app';
import { roomRequestSuite } from './support/room-request-suite';

async function twoApps(): Promise<{ a: WsApp; b: WsApp; bus: InMemoryBus }> {
  const bus = new InMemoryBus();
  const a = await bootstrap(TwoWayModule, { ...testOptions, adapter: new InMemoryAdapter(bus) });
  const b = await bootstrap(TwoWayModule, { ...testOptions, adapter: new InMemoryAdapter(bus) });
  return { a, b, bus };
}

describe('rooms.to(...).request across an InMemoryBus cluster', () => {
  roomRequestSuite(async () => {
    const { a, b } = await twoApps();
    return {
      a,
      b,
      adapterPending: () => 0, // the in-memory adapter keeps no map: its timers end with the request
      close: async () => {
        await Promise.all([a.close(), b.close()]);
      },
    };
  });
});

describe('rooms.to(...).request when a node goes away', () => {
  test('a node that closes mid-request leaves its asked members missing; the result comes at once', async () => {
    const { a, b, bus } = await twoApps();
    const clients: Client[] = [];
    try {
      const open = async (app: WsApp): Promise<{ client: Client; id: string }> => {
        const client = connectClient(`ws://127.0.0.1:${app.port}/two-way`, { reconnect: false });
        clients.push(client);
        const id = (await client.request('whoami')) as string;
        await client.request('join', 'voters');
        return { client, id };
      };
      const here = await open(a);
      const there = await open(b);
      here.client.handle('vote', () => 'yes');
      let asked: () => void = () => undefined;
      const wasAsked = new Promise<void>((resolve) => (asked = resolve));
      there.client.handle('vote', () => {
        asked();
        return new Promise(() => undefined);
      });
      const result = a.get(RoomService).to('voters').request('vote', null, { timeoutMs: 60_000 });
      await wasAsked;
      await b.close();
      await expect(result).resolves.toEqual({ replies: [{ clientId: here.id, payload: 'yes' }], missing: [there.id] });
      expect(bus.askers.size).toBe(1);
      // Asked again, only the live node's members are asked.
      await expect(a.get(RoomService).to('voters').request('vote', null, { timeoutMs: 60_000 })).resolves.toEqual({
        replies: [{ clientId: here.id, payload: 'yes' }],
        missing: [],
      });
      expect(a.get(TwoWayLog).clients.size).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all([a.close(), b.close()]);
    }
  });
});
