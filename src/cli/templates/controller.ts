/**
 * @module cli/templates/controller
 * The files of `generate controller <name>`: a controller, its payload DTO, and a spec that passes
 * as generated (a unit test with a mock client and an in-process test over a connection).
 */
import type { NameForms } from '../names';
import type { GeneratedFile } from '../write-files';

/** A path a test can connect to: route parameters get a sample value. */
function samplePath(route: string): string {
  return route.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '1');
}

function controllerSource(n: NameForms, route: string): string {
  return `import { ConnectedClient, OnConnect, OnDisconnect, OnMessage, Payload, WebSocketController, type WsClient } from 'ws-controllers';
import { ${n.pascal}MessageDto } from './${n.kebab}.dto';

/** Serves WebSocket clients on ${route}. */
@WebSocketController('${route}')
export class ${n.pascal}Controller {
  /** Greets each client once its handshake is accepted (throw a WsException here to refuse it). */
  @OnConnect()
  connect(@ConnectedClient() client: WsClient): void {
    client.emit('welcome', { id: client.id });
  }

  /** Replies to \`echo\` with the validated message. */
  @OnMessage('echo')
  echo(@Payload() message: ${n.pascal}MessageDto): { text: string } {
    return { text: message.text };
  }

  /** Sends a message to every other client on this path. */
  @OnMessage('shout')
  shout(@ConnectedClient() client: WsClient, @Payload() message: ${n.pascal}MessageDto): Promise<void> {
    return client.broadcast('shout', { from: client.id, text: message.text });
  }

  @OnDisconnect()
  disconnect(): void {
    // Clean up per-client state here.
  }
}
`;
}

function dtoSource(n: NameForms): string {
  return `import { IsString, Length } from 'class-validator';

/** The payload of \`echo\` and \`shout\`; invalid payloads are answered with VALIDATION_FAILED. */
export class ${n.pascal}MessageDto {
  @IsString()
  @Length(1, 500)
  text!: string;
}
`;
}

function specSource(n: NameForms, route: string): string {
  const path = samplePath(route);
  return `import 'reflect-metadata';
import { Module } from 'ws-controllers';
import { createMockClient, createTestingApp, type TestingApp } from 'ws-controllers/testing';
import { ${n.pascal}Controller } from './${n.kebab}.controller';

@Module({ controllers: [${n.pascal}Controller] })
class ${n.pascal}TestModule {}

describe('${n.pascal}Controller', () => {
  test('greets a client when it connects', () => {
    const client = createMockClient({ id: 'client-1' });
    new ${n.pascal}Controller().connect(client);
    expect(client.emit).toHaveBeenCalledWith('welcome', { id: 'client-1' });
  });

  describe('over a connection', () => {
    let app: TestingApp;

    beforeEach(async () => {
      app = await createTestingApp(${n.pascal}TestModule);
    });

    afterEach(async () => {
      await app.close();
    });

    test('welcomes the client', async () => {
      const client = await app.connect('${path}');
      expect(await client.next('welcome')).toEqual({ event: 'welcome', payload: { id: client.id } });
    });

    test('echoes a valid message', async () => {
      const client = await app.connect('${path}');
      await expect(client.request('echo', { text: 'hello' })).resolves.toEqual({ text: 'hello' });
    });

    test('answers an invalid message with VALIDATION_FAILED', async () => {
      const client = await app.connect('${path}');
      await expect(client.request('echo', { text: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    test('shouts to the other clients', async () => {
      const alice = await app.connect('${path}');
      const bob = await app.connect('${path}');
      alice.emit('shout', { text: 'hi all' });
      expect((await bob.next('shout')).payload).toEqual({ from: alice.id, text: 'hi all' });
    });
  });
});
`;
}

/** The three files of a controller named `n`, under `<kebab>/`. */
export function controllerFiles(n: NameForms, route: string): GeneratedFile[] {
  return [
    { path: `${n.kebab}/${n.kebab}.controller.ts`, content: controllerSource(n, route) },
    { path: `${n.kebab}/${n.kebab}.dto.ts`, content: dtoSource(n) },
    { path: `${n.kebab}/${n.kebab}.controller.spec.ts`, content: specSource(n, route) },
  ];
}
