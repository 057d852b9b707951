import { ConnectedClient, OnConnect, OnMessage, Payload, Query, WebSocketController } from 'ws-controllers';
import { readClassMetadata } from '../../src/metadata/reflection';

test('decorators record one typed tree per controller class', () => {
  @WebSocketController('/m', { clientRooms: true })
  class M {
    @OnConnect()
    connect(@Query('token') _token: string) {}

    @OnMessage('say')
    say(@Payload('text') _text: string, @ConnectedClient() _client: unknown) {}
  }
  const meta = readClassMetadata(M);
  expect(meta?.controller).toEqual({ path: '/m', options: { clientRooms: true } });
  expect(meta?.handlers.connect).toMatchObject({ kind: 'connect', params: [{ index: 0, kind: 'query', name: 'token' }] });
  expect(meta?.handlers.say?.kind).toBe('message');
  expect(meta?.handlers.say?.event).toBe('say');
  expect(meta?.handlers.say?.params.map((p) => p.kind).sort()).toEqual(['client', 'payload']);
});

test('a subclass inherits its parent handlers without changing the parent', () => {
  class Base {
    @OnMessage('base')
    base() {}
  }
  @WebSocketController('/child')
  class Child extends Base {
    @OnMessage('child')
    child() {}
  }
  expect(Object.keys(readClassMetadata(Child)?.handlers ?? {}).sort()).toEqual(['base', 'child']);
  expect(Object.keys(readClassMetadata(Base)?.handlers ?? {})).toEqual(['base']);
});

test('a controller path must start with a slash and an event must not be empty', () => {
  expect(() => WebSocketController('chat')).toThrow(/must start with/);
  expect(() => OnMessage('')).toThrow(/non-empty/);
});
