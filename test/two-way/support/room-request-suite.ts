/**
 * The cluster contract of `rooms.to(...).request()`, run against every adapter: two nodes, clients on
 * both, one request that reaches every member of the cluster through its own node.
 */
import { RoomService, type WsApp, type WsClient } from 'ws-controllers';
import { connect as connectClient, type Client } from 'ws-controllers/client';
import { connect as rawConnect, urlOf, type TestSocket } from '../../support/ws-test-client';
import { TwoWayLog, type ConnectionInternals } from '../fixtures/two-way-app';

/** Two nodes of one cluster on the two-way module. */
export interface TwoNodes {
  a: WsApp;
  b: WsApp;
  /** Requests the adapters of both nodes still wait on (0 once traffic stops). */
  adapterPending(): number;
  /** Stops both (also when one was already closed). */
  close(): Promise<void>;
}

/** A connected client and the server's view of it. */
export interface Peer {
  client: Client;
  server: WsClient;
  id: string;
}

const internals = (client: WsClient): ConnectionInternals => client as unknown as ConnectionInternals;

/** Resolves once `condition` holds (polled every 10 ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Registers the shared tests; `start` makes a fresh two-node cluster for each. */
export function roomRequestSuite(start: () => Promise<TwoNodes>): void {
  let nodes: TwoNodes;
  const clients: Client[] = [];
  const raws: TestSocket[] = [];

  beforeEach(async () => {
    nodes = await start();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(raws.splice(0).map((r) => r.close()));
    await nodes.close();
  });

  async function open(app: WsApp, rooms: string[] = []): Promise<Peer> {
    const client = connectClient(`ws://127.0.0.1:${app.port}/two-way`, { reconnect: false });
    clients.push(client);
    const id = (await client.request('whoami')) as string;
    for (const room of rooms) await client.request('join', room);
    return { client, id, server: app.get(TwoWayLog).clients.get(id)! };
  }

  const roomsOf = (app: WsApp): RoomService => app.get(RoomService);
  const settledEverywhere = (peers: Peer[]): boolean =>
    nodes.adapterPending() === 0 && peers.every((p) => internals(p.server).pendingRequests === 0);

  test('members on both nodes answer, each once even when in several rooms; the result comes when all answered', async () => {
    const a1 = await open(nodes.a, ['red', 'blue']);
    const b1 = await open(nodes.b, ['red', 'blue']);
    const b2 = await open(nodes.b, ['blue']);
    const outsider = await open(nodes.b, ['green']);
    let asked = 0;
    for (const [i, p] of [a1, b1, b2, outsider].entries()) {
      p.client.handle('vote', (poll: { options: string[] }) => {
        asked++;
        return poll.options[i % 2];
      });
    }
    // A long timeout: the test only finishes in time because the result comes when all answered.
    const { replies, missing } = await roomsOf(nodes.a).to(['red', 'blue']).request('vote', { options: ['yes', 'no'] }, { timeoutMs: 60_000 });
    expect(missing).toEqual([]);
    expect(replies.map((r) => r.clientId).sort()).toEqual([a1.id, b1.id, b2.id].sort());
    expect(replies.map((r) => r.payload).sort()).toEqual(['no', 'yes', 'yes']);
    expect(asked).toBe(3);
    // The same from the other node.
    const back = await roomsOf(nodes.b).to('red').request('vote', { options: ['x', 'y'] }, { timeoutMs: 60_000 });
    expect(back.replies.map((r) => r.clientId).sort()).toEqual([a1.id, b1.id].sort());
    await until(() => settledEverywhere([a1, b1, b2, outsider]), 5_000, 'no pending request');
  });

  test('resolves at the timeout with what arrived and the silent ids; errors are answers; except() is honoured on every node; late answers are ignored', async () => {
    const a1 = await open(nodes.a, ['voters']);
    const b1 = await open(nodes.b, ['voters']);
    const silent = await open(nodes.b, ['voters']);
    const noHandler = await open(nodes.b, ['voters']);
    const excluded = await open(nodes.b, ['voters']);
    a1.client.handle('vote', () => 'a-yes');
    b1.client.handle('vote', async () => 'b-yes');
    let release: (value: string) => void = () => undefined;
    silent.client.handle('vote', () => new Promise<string>((resolve) => (release = resolve)));
    let excludedAsked = false;
    excluded.client.handle('vote', () => {
      excludedAsked = true;
      return 'excluded';
    });
    const started = Date.now();
    const { replies, missing } = await roomsOf(nodes.a).to('voters').except(excluded.id).request('vote', null, { timeoutMs: 400 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(missing).toEqual([silent.id]);
    expect(replies).toHaveLength(3);
    expect(replies.find((r) => r.clientId === a1.id)).toEqual({ clientId: a1.id, payload: 'a-yes' });
    expect(replies.find((r) => r.clientId === b1.id)).toEqual({ clientId: b1.id, payload: 'b-yes' });
    expect(replies.find((r) => r.clientId === noHandler.id)?.error?.code).toBe('UNKNOWN_EVENT');
    expect(excludedAsked).toBe(false);
    // The late answer reaches nothing and breaks nothing.
    release('too late');
    silent.client.handle('vote', () => 'on time');
    const again = await roomsOf(nodes.a).to('voters').request('vote', null, { timeoutMs: 60_000 });
    expect(again.missing).toEqual([]);
    expect(again.replies.find((r) => r.clientId === silent.id)).toEqual({ clientId: silent.id, payload: 'on time' });
    await until(() => settledEverywhere([a1, b1, silent, noHandler, excluded]), 5_000, 'no pending request');
  });

  test('a member on the other node that disconnects mid-request is missing, and the result comes without waiting for the timeout', async () => {
    const a1 = await open(nodes.a, ['voters']);
    const leaver = await open(nodes.b, ['voters']);
    a1.client.handle('vote', () => 'yes');
    let asked: () => void = () => undefined;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    leaver.client.handle('vote', () => {
      asked();
      return new Promise(() => undefined);
    });
    const result = roomsOf(nodes.a).to('voters').request('vote', null, { timeoutMs: 60_000 });
    await wasAsked;
    await leaver.client.close();
    const { replies, missing } = await result;
    expect(replies).toEqual([{ clientId: a1.id, payload: 'yes' }]);
    expect(missing).toEqual([leaver.id]);
    await until(() => settledEverywhere([a1, leaver]), 5_000, 'no pending request');
  });

  test('rooms with no member anywhere resolve at once; a bad timeout throws; a payload that is not JSON rejects', async () => {
    await open(nodes.b, ['elsewhere']);
    await expect(roomsOf(nodes.a).to('nobody-here').request('vote', null, { timeoutMs: 60_000 })).resolves.toEqual({ replies: [], missing: [] });
    expect(() => roomsOf(nodes.a).to('elsewhere').request('vote', null, {} as { timeoutMs: number })).toThrow(TypeError);
    await expect(roomsOf(nodes.a).to('elsewhere').request('vote', { n: 1n }, { timeoutMs: 1_000 })).rejects.toThrow(TypeError);
    expect(nodes.adapterPending()).toBe(0);
  });

  test('a raw client on the other node gets the documented frame and its answer comes back', async () => {
    const raw = await rawConnect(urlOf(nodes.b.port, '/two-way'));
    raws.push(raw);
    const id = (await raw.request('whoami')).payload as string;
    await raw.request('join', 'voters');
    const result = roomsOf(nodes.a).to('voters').request('confirm', { text: 'Delete?' }, { timeoutMs: 60_000 });
    const frame = (await raw.next('confirm')) as { event: string; payload: unknown; ack?: unknown };
    expect(frame.payload).toEqual({ text: 'Delete?' });
    expect(typeof frame.ack).toBe('number');
    raw.send({ ack: frame.ack, error: { code: 'DECLINED', message: 'no' } });
    await expect(result).resolves.toEqual({ replies: [{ clientId: id, error: { code: 'DECLINED', message: 'no' } }], missing: [] });
  });

  test('leaves nothing pending under churn: concurrent requests from both nodes, each gets only its own answers, members leaving mid-way', async () => {
    const peers: Peer[] = [];
    for (let i = 0; i < 8; i++) peers.push(await open(i % 2 === 0 ? nodes.a : nodes.b, ['churn']));
    for (const [i, p] of peers.entries()) {
      p.client.handle('work', (tag: string) => new Promise((resolve) => setTimeout(() => resolve(`${tag}:${p.id}`), (i % 4) * 3)));
    }
    const leavers = peers.slice(0, 3);
    const outcomes: Array<Promise<{ tag: string; replies: Array<{ clientId: string; payload?: unknown }>; missing: string[] }>> = [];
    for (let round = 0; round < 30; round++) {
      const tag = `r${round}`;
      const from = round % 2 === 0 ? nodes.a : nodes.b;
      outcomes.push(roomsOf(from).to('churn').request('work', tag, { timeoutMs: 3_000 }).then((r) => ({ tag, ...r })));
      if (round === 10) await Promise.all(leavers.map((p) => p.client.close()));
    }
    const results = await Promise.all(outcomes);
    const stayers = peers.slice(3).map((p) => p.id);
    for (const { tag, replies, missing } of results) {
      // Ids never collide: every answer is the one its own request asked for.
      for (const reply of replies) expect(reply.payload).toBe(`${tag}:${reply.clientId}`);
      const answeredIds = replies.map((r) => r.clientId);
      expect(new Set(answeredIds).size).toBe(answeredIds.length);
      for (const id of stayers) expect(answeredIds).toContain(id);
      for (const id of missing) expect(leavers.map((p) => p.id)).toContain(id);
    }
    await until(() => settledEverywhere(peers), 5_000, 'no pending request');
  });
}
