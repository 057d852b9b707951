/**
 * Controllers compiled the way esbuild, tsx and Vitest compile them (decorators, no `design:*`
 * metadata): the explicit form works end to end, and the implicit one fails at start-up by name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { createTestingApp } from '../../src/testing';

const REPO = join(__dirname, '..', '..');
let dir: string;
beforeAll(() => {
  mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
  dir = mkdtempSync(join(REPO, 'test-artifacts', 'metadata-free-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Compiles `source` with esbuild (legacy decorators, which emit no metadata) and loads it. */
function load(source: string): Record<string, unknown> {
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'es2022',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true } },
  });
  expect(code).not.toContain('design:');
  const file = join(dir, `module-${counter++}.js`);
  writeFileSync(
    file,
    code
      .replaceAll("require('ws-controllers')", `require(${JSON.stringify(join(REPO, 'src/index.ts'))})`)
      .replaceAll('require("ws-controllers")', `require(${JSON.stringify(join(REPO, 'src/index.ts'))})`),
  );
  return createRequire(__filename)(file) as Record<string, unknown>;
}

const header = `
import { IsString, Length } from 'class-validator';
import { ConnectedClient, Module, OnMessage, Payload, WebSocketController, RoomService, inject, injectable, type WsClient } from 'ws-controllers';
class SayDto { @IsString() @Length(1, 200) text!: string; }
`;

test('@Payload(SayDto) validates without decorator metadata, as the quick start does with tsc', async () => {
  const { AppModule } = load(`${header}
    @WebSocketController('/chat')
    class ChatController {
      @OnMessage('say')
      say(@Payload(SayDto) dto: SayDto, @ConnectedClient() client: WsClient) { return { from: client.id, text: dto.text, dto: dto instanceof SayDto }; }
      @OnMessage('room')
      room(@Payload('room', { type: String }) room: string) { return room; }
    }
    @Module({ controllers: [ChatController] })
    export class AppModule {}`);
  const app = await createTestingApp(AppModule as new () => unknown);
  try {
    const client = await app.connect('/chat');
    expect(await client.request('say', { text: 'hi' })).toEqual({ from: client.id, text: 'hi', dto: true });
    await expect(client.request('say', { text: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.request('say', { text: 'hi', extra: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await client.request('room', { room: 'lobby' })).toBe('lobby');
    await expect(client.request('room', { room: 42 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  } finally {
    await app.close();
  }
});

test('@Payload() without a type and without metadata fails at start-up, naming the method and parameter', async () => {
  const { AppModule } = load(`${header}
    @WebSocketController('/chat')
    class ChatController {
      @OnMessage('say')
      say(@ConnectedClient() client: WsClient, @Payload() dto: SayDto) { return dto; }
    }
    @Module({ controllers: [ChatController] })
    export class AppModule {}`);
  await expect(createTestingApp(AppModule as new () => unknown)).rejects.toThrow(
    /ChatController\.say\(\): the @Payload\(\) parameter #1 has no type: .*esbuild, tsx and Vitest.*@Payload\(SayDto\)/,
  );
});

test('@Payload({ validate: false }) needs no type: the payload passes through', async () => {
  const { AppModule } = load(`${header}
    @WebSocketController('/echo')
    class EchoController {
      @OnMessage('echo')
      echo(@Payload({ validate: false }) payload: unknown) { return payload; }
    }
    @Module({ controllers: [EchoController] })
    export class AppModule {}`);
  const app = await createTestingApp(AppModule as new () => unknown);
  try {
    const client = await app.connect('/echo');
    expect(await client.request('echo', { any: ['thing'] })).toEqual({ any: ['thing'] });
  } finally {
    await app.close();
  }
});

test('constructor injection works with the inject option and with @inject(Token), and fails by name otherwise', async () => {
  const { AppModule } = load(`${header}
    @injectable()
    export class Store { readonly items: string[] = []; }
    @WebSocketController('/a', { inject: [RoomService, Store] })
    class AController {
      constructor(private readonly rooms: RoomService, private readonly store: Store) {}
      @OnMessage('add')
      async add(@Payload(SayDto) dto: SayDto, @ConnectedClient() client: WsClient) {
        this.store.items.push(dto.text);
        await client.join('r');
        return { members: await this.rooms.members('r'), items: this.store.items };
      }
    }
    @WebSocketController('/b')
    class BController {
      constructor(@inject(Store) private readonly store: Store) {}
      @OnMessage('items')
      items() { return this.store.items; }
    }
    @Module({ controllers: [AController, BController], providers: [Store] })
    export class AppModule {}`);
  const app = await createTestingApp(AppModule as new () => unknown);
  try {
    const a = await app.connect('/a');
    const b = await app.connect('/b');
    expect(await a.request('add', { text: 'x' })).toEqual({ members: [a.id], items: ['x'] });
    expect(await b.request('items')).toEqual(['x']);
  } finally {
    await app.close();
  }
  expect(() =>
    load(`${header}
    @WebSocketController('/c')
    export class CController {
      constructor(private readonly rooms: RoomService) {}
    }`),
  ).toThrow(
    /CController: constructor parameter #0 has no type: .*\{ inject: \[RoomService, ChatStore\] \}.*@inject\(Token\)/,
  );
});
