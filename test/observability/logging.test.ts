import { Writable } from 'node:stream';
import pino from 'pino';
import { bootstrap, type Logger, type WsApp } from 'ws-controllers';
import { connect, urlOf } from '../support/ws-test-client';
import { ObservedModule } from './observed-app';

interface Entry {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

/** A logger that keeps what it is given, at every level. */
function recordingLogger(): { logger: Logger; entries: Entry[] } {
  const entries: Entry[] = [];
  const at =
    (level: string) =>
    (fields: object | string, msg?: string): void => {
      if (typeof fields === 'string') entries.push({ level, fields: {}, msg: fields });
      else entries.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? '' });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

async function withLoggedApp(run: (app: WsApp, entries: Entry[]) => Promise<void>): Promise<void> {
  const { logger, entries } = recordingLogger();
  const app = await bootstrap(ObservedModule, { port: 0, host: '127.0.0.1', logger, metrics: true });
  try {
    await run(app, entries);
  } finally {
    await app.close();
  }
}

test('the start-up summary lists every route with its controller and handlers', async () => {
  await withLoggedApp(async (app, entries) => {
    const summary = entries.find((e) => e.msg.startsWith('ws-controllers listening'));
    expect(summary?.level).toBe('info');
    expect(summary?.fields.port).toBe(app.port);
    expect(summary?.fields.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/chat/:room',
          controller: 'ObservedChatController',
          handlers: expect.arrayContaining(['connect -> connect()', "message 'echo' -> echo()"]),
        }),
        expect.objectContaining({ path: '/idle', controller: 'IdleController', events: ['noop'] }),
      ]),
    );
  });
});

test('a refused handshake is logged at info with its status, code and reason', async () => {
  await withLoggedApp(async (app, entries) => {
    await expect(connect(urlOf(app.port, '/chat/x?token=bad'))).rejects.toMatchObject({ status: 401 });
    await expect(connect(urlOf(app.port, '/nowhere'))).rejects.toMatchObject({ status: 404 });
    const refusals = entries.filter((e) => e.msg === 'handshake refused');
    expect(refusals).toEqual([
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({
          path: '/chat/x',
          status: 401,
          code: 'UNAUTHORIZED',
          reason: 'bad token',
        }),
      }),
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({ path: '/nowhere', status: 404, code: 'NOT_FOUND' }),
      }),
    ]);
  });
});

test('an unexpected handler error is logged at error with the error itself (its stack); expected ones are not', async () => {
  await withLoggedApp(async (app, entries) => {
    const client = await connect(urlOf(app.port, '/chat/lobby'));
    await client.request('boom');
    await client.request('deny');
    await client.close();
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields).toMatchObject({ controller: 'ObservedChatController', event: 'boom' });
    expect((errors[0]!.fields.err as Error).stack).toContain('handler exploded');
  });
});

test('no line is logged per message at the default level', async () => {
  await withLoggedApp(async (app, entries) => {
    const client = await connect(urlOf(app.port, '/chat/lobby'));
    const before = entries.filter((e) => e.level !== 'debug').length;
    for (let i = 0; i < 20; i++) await client.request('echo', i);
    await client.request('say', { text: 'hi' });
    await client.request('nope');
    expect(entries.filter((e) => e.level !== 'debug')).toHaveLength(before);
    await client.close();
  });
});

test('the default logger shape is pino: JSON lines with level, time and msg', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = await bootstrap(ObservedModule, {
    port: 0,
    host: '127.0.0.1',
    logger: pino({ name: 'ws-controllers' }, sink),
  });
  const port = app.port;
  await app.close();
  const summary = lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((l) => String(l.msg).startsWith('ws-controllers listening'));
  expect(summary).toMatchObject({ level: 30, name: 'ws-controllers', port });
  expect(typeof summary?.time).toBe('number');
});
