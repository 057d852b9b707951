/**
 * The shared adapter contract: every adapter (in-memory, Redis, ...) must pass it.
 * It runs N nodes (apps) of one cluster and checks, over real sockets, that rooms, broadcasts,
 * sends by id and lookups behave as if all clients were on one server.
 *
 * Usage: runAdapterContract('InMemoryAdapter', async () => { const bus = ...; return { adapter: () => new X(bus), teardown } })
 */
import { bootstrap, ClientService, RoomService, type Adapter, type WsApp } from 'ws-controllers';
import { ContractModule } from './contract-app';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';

/** One cluster under test: `adapter()` makes the adapter of one more node. */
export interface ContractCluster {
  adapter(): Adapter;
  teardown?(): Promise<void>;
}

/** Options of the suite. */
export interface ContractOptions {
  /** How long to wait for a cross-node message. @default 3000 */
  timeoutMs?: number;
}

/** Registers the contract tests for one adapter kind in the current describe block. */
export function runAdapterContract(name: string, makeCluster: () => Promise<ContractCluster>, options: ContractOptions = {}): void {
  const timeout = options.timeoutMs ?? 3000;

  describe(`adapter contract: ${name}`, () => {
    let cluster: ContractCluster;
    let nodes: WsApp[] = [];
    let sockets: TestSocket[] = [];

    beforeEach(async () => {
      cluster = await makeCluster();
      nodes = [];
      sockets = [];
      for (let i = 0; i < 2; i++) {
        nodes.push(await bootstrap(ContractModule, { port: 0, host: '127.0.0.1', logger: false, adapter: cluster.adapter() }));
      }
    });

    afterEach(async () => {
      await Promise.all(sockets.map((s) => s.close()));
      await Promise.all(nodes.map((n) => n.close()));
      await cluster.teardown?.();
    });

    async function client(node: number, path = '/room'): Promise<TestSocket & { id: string }> {
      const socket = await connect(urlOf(nodes[node]!.port, path));
      sockets.push(socket);
      const id = (await socket.request('whoami', undefined, timeout)).payload as string;
      return Object.assign(socket, { id });
    }

    async function join(socket: TestSocket, room: string): Promise<unknown> {
      return (await socket.request('join', room, timeout)).payload;
    }

    // Proves a socket did NOT get a message: a marker sent after it arrives first.
    async function expectNothingBefore(socket: TestSocket, event: string, marker: () => Promise<void>): Promise<void> {
      await marker();
      await socket.next('marker', timeout);
      expect(socket.received.filter((m) => m.event === event)).toEqual([]);
    }

    const rooms = (node: number): RoomService => nodes[node]!.get(RoomService);
    const clients = (node: number): ClientService => nodes[node]!.get(ClientService);

    test('a room emit reaches members on every node exactly once', async () => {
      const a = await client(0);
      const b = await client(1);
      await join(a, 'r1');
      await join(b, 'r1');
      await rooms(0).to('r1').emit('news', 1);
      expect((await a.next('news', timeout)).payload).toBe(1);
      expect((await b.next('news', timeout)).payload).toBe(1);
      await expectNothingBefore(b, 'news-dup', async () => {
        await clients(0).send(b.id, 'marker');
      });
      expect(b.received.filter((m) => m.event === 'news')).toHaveLength(1);
    });

    test('a member of several targeted rooms receives the message once, and excepted ids receive nothing', async () => {
      const a = await client(0);
      const b = await client(1);
      const c = await client(1);
      await join(a, 'x');
      await join(a, 'y');
      await join(b, 'y');
      await join(c, 'x');
      await rooms(1).to(['x', 'y']).except(c.id).emit('multi', 'hi');
      await a.next('multi', timeout);
      await b.next('multi', timeout);
      await expectNothingBefore(c, 'multi', async () => {
        await rooms(0).to('x').emit('marker');
      });
      await expectNothingBefore(a, 'multi-second', async () => {
        await clients(1).send(a.id, 'marker');
      });
      expect(a.received.filter((m) => m.event === 'multi')).toHaveLength(1);
    });

    test('client.toRoom reaches the other members on every node but not the sender', async () => {
      const a = await client(0);
      const b = await client(1);
      await join(a, 'chat');
      await join(b, 'chat');
      await a.request('to-room', { room: 'chat', text: 'hello' }, timeout);
      expect((await b.next('room-message', timeout)).payload).toBe('hello');
      await expectNothingBefore(a, 'room-message', async () => {
        await rooms(1).to('chat').emit('marker');
      });
    });

    test('client.broadcast reaches every client on the same path on every node except the sender', async () => {
      const a = await client(0);
      const b = await client(1);
      const other = await client(1, '/other');
      await a.request('broadcast', 'all', timeout);
      expect((await b.next('broadcast-message', timeout)).payload).toBe('all');
      await expectNothingBefore(a, 'broadcast-message', async () => {
        await clients(1).send(a.id, 'marker');
      });
      await expectNothingBefore(other, 'broadcast-message', async () => {
        await clients(0).send(other.id, 'marker');
      });
    });

    test('clients.broadcast honours path and except across nodes', async () => {
      const a = await client(0);
      const b = await client(1);
      const other = await client(0, '/other');
      await clients(1).broadcast('everyone', 1);
      for (const s of [a, b, other]) expect((await s.next('everyone', timeout)).payload).toBe(1);
      await clients(0).broadcast('room-path', 2, { path: '/room', except: b.id });
      expect((await a.next('room-path', timeout)).payload).toBe(2);
      await expectNothingBefore(b, 'room-path', async () => {
        await clients(0).send(b.id, 'marker');
      });
      await expectNothingBefore(other, 'room-path', async () => {
        await clients(1).send(other.id, 'marker');
      });
    });

    test('a send by id reaches a client on another node and resolves true; an unknown id resolves false', async () => {
      const a = await client(0);
      const b = await client(1);
      expect((await a.request('send-to', { id: b.id, text: 'psst' }, timeout)).payload).toBe(true);
      expect((await b.next('direct-message', timeout)).payload).toBe('psst');
      expect(await clients(0).send('no-such-client-id-000', 'x')).toBe(false);
      expect(await clients(1).sendRaw(a.id, 'raw text')).toBe(true);
    });

    test('members, roomsOf, ids and count are cluster-wide and hold only explicit rooms', async () => {
      const a = await client(0);
      const b = await client(1);
      const other = await client(1, '/other');
      await join(a, 'm');
      await join(b, 'm');
      await join(b, 'n');
      expect((await rooms(0).members('m')).sort()).toEqual([a.id, b.id].sort());
      expect((await rooms(0).roomsOf(b.id)).sort()).toEqual(['m', 'n']);
      expect(await rooms(1).roomsOf('unknown-client')).toEqual([]);
      expect((await clients(0).ids()).sort()).toEqual([a.id, b.id, other.id].sort());
      expect((await clients(1).ids('/room')).sort()).toEqual([a.id, b.id].sort());
      expect(await clients(0).count()).toBe(3);
      expect(await clients(0).count('/other')).toBe(1);
    });

    test('join and leave by id work for a client on another node', async () => {
      const a = await client(0);
      await rooms(1).join(a.id, 'remote');
      expect(await rooms(1).members('remote')).toEqual([a.id]);
      await rooms(1).to('remote').emit('via-remote', 1);
      expect((await a.next('via-remote', timeout)).payload).toBe(1);
      await rooms(1).leave(a.id, 'remote');
      expect(await rooms(0).members('remote')).toEqual([]);
    });

    test('a client disconnected by id from another node is closed and vanishes everywhere', async () => {
      const a = await client(0);
      await join(a, 'gone');
      expect(await clients(1).disconnect(a.id, 4001, 'bye')).toBe(true);
      expect(await a.closed).toEqual({ code: 4001, reason: 'bye' });
      await waitFor(async () => (await clients(1).ids()).length === 0, timeout);
      expect(await rooms(1).members('gone')).toEqual([]);
      expect(await clients(1).disconnect(a.id)).toBe(false);
    });

    test('leaving removes the membership and a closed client leaves all its rooms', async () => {
      const a = await client(0);
      const b = await client(1);
      await join(a, 'l');
      await join(b, 'l');
      expect(await a.request('leave', 'l', timeout)).toMatchObject({ payload: [] });
      expect(await rooms(1).members('l')).toEqual([b.id]);
      await b.close();
      await waitFor(async () => (await rooms(0).members('l')).length === 0, timeout);
      expect(await rooms(0).roomsOf(b.id)).toEqual([]);
    });
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
