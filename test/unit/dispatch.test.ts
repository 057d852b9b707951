import { IsString } from 'class-validator';
import { ConnectedClient, OnMessage, Payload, WebSocketController, WsException, type WsClient } from 'ws-controllers';
import { InMemoryAdapter } from 'ws-controllers';
import { compileController } from '../../src/dispatch/compiled-controller';
import { readClassMetadata } from '../../src/metadata/reflection';
import { Connection } from '../../src/connections/connection';
import { Hub } from '../../src/rooms/hub';
import { silentLogger } from '../../src/app/logger';
import { FakeSocket } from '../support/fake-socket';

class NameDto {
  @IsString() name!: string;
}

@WebSocketController('/d')
class DispatchController {
  calls = 0;

  @OnMessage('hello')
  hello(@Payload() dto: NameDto) {
    this.calls++;
    return `hello ${dto.name}`;
  }

  @OnMessage('positional')
  positional(client: WsClient, payload: unknown) {
    return { same: client.id.length > 0, payload };
  }

  @OnMessage('fail')
  fail(@ConnectedClient() _client: WsClient) {
    throw new WsException('BAD', 'bad thing');
  }
}

function setup() {
  const instance = new DispatchController();
  const compiled = compileController(DispatchController, instance, readClassMetadata(DispatchController)!, { validation: {}, logger: silentLogger });
  const hub = new Hub(new InMemoryAdapter(), silentLogger);
  const connection = new Connection({ path: '/d', query: {}, headers: {}, params: {}, remoteAddress: '' }, hub);
  const socket = new FakeSocket();
  connection.attach(socket);
  return { instance, compiled, connection, socket };
}

test('a compiled handler validates, calls and replies synchronously with the request id', () => {
  const { compiled, connection, socket, instance } = setup();
  compiled.messages.get('hello')!.run(connection, { name: 'ann' }, 9);
  expect(instance.calls).toBe(1);
  expect(socket.messages()).toEqual([{ event: 'hello', payload: 'hello ann', id: 9 }]);
});

test('a validation failure skips the handler and sends VALIDATION_FAILED', () => {
  const { compiled, connection, socket, instance } = setup();
  compiled.messages.get('hello')!.run(connection, { name: 1 }, 'a');
  expect(instance.calls).toBe(0);
  expect(socket.messages()[0]).toMatchObject({ event: 'error', id: 'a', payload: { code: 'VALIDATION_FAILED', event: 'hello' } });
});

test('a handler without parameter decorators receives (client, payload) like a NestJS gateway', () => {
  const { compiled, connection, socket } = setup();
  compiled.messages.get('positional')!.run(connection, [1], undefined);
  expect(socket.messages()).toEqual([{ event: 'positional', payload: { same: true, payload: [1] } }]);
});

test('a thrown WsException becomes an error envelope with its code', () => {
  const { compiled, connection, socket } = setup();
  compiled.messages.get('fail')!.run(connection, undefined, 1);
  expect(socket.messages()).toEqual([{ event: 'error', payload: { code: 'BAD', message: 'bad thing', event: 'fail' }, id: 1 }]);
});

test('two handlers for one event in a controller fail at start-up', () => {
  @WebSocketController('/dup')
  class Dup {
    @OnMessage('x')
    a() {}
    @OnMessage('x')
    b() {}
  }
  expect(() => compileController(Dup, new Dup(), readClassMetadata(Dup)!, { validation: {}, logger: silentLogger })).toThrow(/twice/);
});
