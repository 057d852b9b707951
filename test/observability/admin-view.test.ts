import { bootstrap, ClientService, type AdminSnapshot, type WsApp } from 'ws-controllers';
import { testOptions } from '../support/quiet';
import { connect, urlOf, type TestSocket } from '../support/ws-test-client';
import { parseExposition, valueOf } from './exposition-parser';
import { ObservedModule } from './observed-app';

const TOKEN = 's3cret-admin-token';

/** The admin feed, as the page sees it. */
async function adminFeed(app: WsApp, token = TOKEN): Promise<TestSocket> {
  return connect(urlOf(app.port, `/admin?token=${encodeURIComponent(token)}`));
}

function nextSnapshot(feed: TestSocket, match: (s: AdminSnapshot) => boolean): Promise<AdminSnapshot> {
  return feed.waitFor(
    (m) => (m as unknown as AdminSnapshot).type === 'snapshot' && match(m as unknown as AdminSnapshot),
  ) as unknown as Promise<AdminSnapshot>;
}

let app: WsApp;
beforeEach(async () => {
  app = await bootstrap(ObservedModule, {
    ...testOptions,
    metrics: true,
    admin: { path: '/admin', token: TOKEN, refreshMs: 50 },
  });
});
afterEach(() => app.close());

test('the admin page needs the token: a form without it, 401 with a wrong one, the page with the right one', async () => {
  const base = `http://127.0.0.1:${app.port}/admin`;
  const missing = await fetch(base);
  expect(missing.status).toBe(401);
  expect(await missing.text()).toContain('<form');
  expect((await fetch(`${base}?token=nope`)).status).toBe(401);
  const page = await fetch(`${base}?token=${TOKEN}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(await page.text()).toContain('ws-controllers admin');
  const bearer = await fetch(base, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(bearer.status).toBe(200);
});

test('the admin feed refuses a socket without a valid token with 401', async () => {
  await expect(connect(urlOf(app.port, '/admin'))).rejects.toMatchObject({
    status: 401,
    body: { code: 'UNAUTHORIZED' },
  });
  await expect(adminFeed(app, 'wrong')).rejects.toMatchObject({ status: 401 });
});

test('a snapshot lists live connections with their rooms, rooms with members, event counts and recent errors', async () => {
  const client = await connect(urlOf(app.port, '/chat/lobby'));
  await client.request('echo', 1);
  await client.request('boom');
  const feed = await adminFeed(app);
  try {
    const snapshot = await nextSnapshot(feed, (s) => s.errors.length > 0);
    expect(snapshot.totals).toMatchObject({ connections: 1, rooms: 1, memberships: 1, errors: 1 });
    expect(snapshot.connections).toEqual([
      expect.objectContaining({
        path: '/chat/lobby',
        route: '/chat/:room',
        rooms: ['lobby'],
        remoteAddress: '127.0.0.1',
      }),
    ]);
    expect(snapshot.rooms).toEqual([{ name: 'lobby', size: 1, members: [snapshot.connections[0]!.id] }]);
    expect(snapshot.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'echo', in: 1, out: 1 })]),
    );
    // The admin view is token-protected: it shows the real cause the client was not told.
    expect(snapshot.errors[0]).toMatchObject({
      code: 'INTERNAL_ERROR',
      event: 'boom',
      message: 'handler exploded',
      clientId: snapshot.connections[0]!.id,
    });
  } finally {
    await feed.close();
    await client.close();
  }
});

test('the admin socket is not a controller client: not listed, not counted, not in metrics', async () => {
  const feed = await adminFeed(app);
  try {
    const snapshot = await nextSnapshot(feed, () => true);
    expect(snapshot.totals.connections).toBe(0);
    expect(await app.get(ClientService).count()).toBe(0);
    const families = parseExposition(await app.metrics());
    expect(valueOf(families, 'ws_connects_total', { path: '/chat/:room' })).toBeUndefined();
    expect(valueOf(families, 'ws_connections', { path: '/chat/:room' })).toBe(0);
  } finally {
    await feed.close();
  }
});

test('the admin can disconnect a client, which is closed with 1008 "Disconnected by admin"', async () => {
  const client = await connect(urlOf(app.port, '/chat/lobby'));
  const feed = await adminFeed(app);
  try {
    const { connections } = await nextSnapshot(feed, (s) => s.connections.length === 1);
    feed.send({ type: 'disconnect', id: connections[0]!.id });
    expect(await client.closed).toEqual({ code: 1008, reason: 'Disconnected by admin' });
    expect(await feed.waitFor((m) => (m as { type?: string }).type === 'disconnected')).toMatchObject({
      id: connections[0]!.id,
      ok: true,
    });
    await nextSnapshot(feed, (s) => s.connections.length === 0);
  } finally {
    await feed.close();
  }
});

test('admin sockets are closed when the app closes', async () => {
  const feed = await adminFeed(app);
  await nextSnapshot(feed, () => true);
  await app.close();
  expect((await feed.closed).code).toBe(1001);
});

test('the admin view is off by default', async () => {
  const plain = await bootstrap(ObservedModule, testOptions);
  try {
    expect((await fetch(`http://127.0.0.1:${plain.port}/admin?token=${TOKEN}`)).status).toBe(426);
    await expect(adminFeed(plain)).rejects.toMatchObject({ status: 404 });
  } finally {
    await plain.close();
  }
});

test('an admin view without a token fails at start-up', async () => {
  await expect(bootstrap(ObservedModule, { ...testOptions, admin: { token: '' } })).rejects.toThrow(
    /needs a non-empty `token`/,
  );
});
