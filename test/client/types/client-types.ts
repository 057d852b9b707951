/**
 * Type tests of the client: compiled by `tsc --noEmit` (see ../types.test.ts), never run.
 * Every `@ts-expect-error` line must be an error, and everything else must compile.
 */
import {
  connect,
  type ClientStatus,
  type ControllerEvents,
  type PresenceChange,
  type PresenceDiff,
  type PresenceMember,
  type PresencePushes,
  type PresenceState,
  type SessionFrame,
  type SessionInfo,
} from 'ws-controllers/client';
import type { WsClient } from 'ws-controllers';
import type { AddDto, CalcController, CalcEvents, CalcPushes } from '../fixtures/calc-app';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `typeOf(x).is<T>()` compiles only when the type of `x` is exactly `T`. */
function typeOf<A>(_value: A): { is<B>(..._exact: Equal<A, B> extends true ? [] : [never]): void } {
  return { is: () => undefined };
}

export async function typedRequests(): Promise<void> {
  const calc = connect<CalcEvents, CalcPushes>('ws://localhost/calc');

  const sum = await calc.request('add', { a: 1, b: 2 });
  typeOf(sum).is<number>();

  // @ts-expect-error a payload of the wrong shape
  await calc.request('add', { a: 1, b: '2' });
  // @ts-expect-error the payload is required
  await calc.request('add');
  // @ts-expect-error an event the controller does not handle
  await calc.request('multiply', { a: 1, b: 2 });
  // @ts-expect-error the result is a number, not a string
  typeOf(await calc.request('add', { a: 1, b: 2 })).is<string>();

  // handlers without a payload parameter take none; the options still fit
  const all = await calc.request('recorded', undefined, { timeoutMs: 100 });
  typeOf(all).is<unknown[]>();

  calc.emit('shout', { text: 'hi' });
  // @ts-expect-error emit checks payloads too
  calc.emit('shout', { txt: 'hi' });

  calc.on('shouted', (payload) => typeOf(payload).is<{ text: string }>());
  calc.on('error', (error) => typeOf(error.code).is<string>());
  // @ts-expect-error a push that is not declared
  calc.on('whispered', () => undefined);

  calc.onStatus((status) => typeOf(status).is<ClientStatus>());
}

export async function derivedMaps(): Promise<void> {
  // Default mapping: every method is an event of its own name; async results are awaited.
  class Math2 {
    add(dto: AddDto): number {
      return dto.a + dto.b;
    }
    async slow(n: number): Promise<string> {
      return String(n);
    }
    ping(): 'pong' {
      return 'pong';
    }
  }
  const m = connect<ControllerEvents<Math2>>('ws://localhost/math');
  typeOf(await m.request('slow', 1)).is<string>();
  const pong = await m.request('ping');
  typeOf(pong).is<'pong'>();
  // @ts-expect-error slow takes a number
  await m.request('slow', 'one');

  // the connected client is skipped when looking for the payload parameter
  class Rooms {
    join(_client: WsClient, room: { name: string }): string[] {
      return [room.name];
    }
  }
  const r = connect<ControllerEvents<Rooms>>('ws://localhost/rooms');
  typeOf(await r.request('join', { name: 'a' })).is<string[]>();
  // @ts-expect-error the payload is the room, not the client
  await r.request('join', {} as WsClient);

  // `{ method, payload }` when the payload is not the first parameter
  type Kick = ControllerEvents<CalcController, { 'kick-me': { method: 'kick'; payload: number } }>;
  const k = connect<Kick>('ws://localhost/calc');
  await k.request('kick-me', 4000);
  // @ts-expect-error mapped onto a method that does not exist
  type _Broken = ControllerEvents<CalcController, { x: 'nope' }>;

  // untyped clients accept anything and resolve with unknown
  const loose = connect('ws://localhost/any');
  const anything = await loose.request('whatever', { x: 1 });
  typeOf(anything).is<unknown>();
  loose.on('some-push', (payload) => typeOf(payload).is<unknown>());
}

class TailController {
  async *tail(q: { file: string }): AsyncGenerator<string> {
    yield q.file;
  }
}

export async function typedStreamsAndServerRequests(server: WsClient): Promise<void> {
  const chat = connect<ControllerEvents<TailController>>('ws://localhost/chat');
  for await (const line of chat.stream('tail', { file: 'app.log' }, { signal: new AbortController().signal })) typeOf(line).is<string>();
  // @ts-expect-error a payload of the wrong shape
  chat.stream('tail', { name: 'app.log' });
  const remove = chat.handle<{ text: string }>('confirm', async (q) => q.text.length > 0);
  remove();
  typeOf(await server.request('confirm', { text: 'Delete?' }, { timeoutMs: 5_000 })).is<unknown>();
  // @ts-expect-error the timeout is mandatory
  await server.request('confirm', { text: 'Delete?' });
}

export function typedRecoveryAndPresence(): void {
  const calc = connect<CalcEvents, CalcPushes>('ws://localhost/calc');
  const stop = calc.onSession((session) => typeOf(session).is<SessionInfo>());
  typeOf(stop).is<() => void>();
  typeOf(calc.session).is<SessionInfo | undefined>();

  // the built-in frames are accepted by on(), typed, with a declared push map and without one
  calc.on('session', (frame) => typeOf(frame).is<SessionFrame>());
  calc.on('presence-diff', (diff) => typeOf(diff).is<PresenceDiff>());
  calc.on('presence-state', (state) => typeOf(state).is<PresenceState>());
  const loose = connect('ws://localhost/any');
  loose.on('presence-diff', (diff) => typeOf(diff.joins).is<PresenceMember[]>());
  loose.on('session', (frame) => typeOf(frame.resumed).is<boolean>());

  // a push map that declares one of those names keeps its own type
  const own = connect<CalcEvents, { session: { user: string } }>('ws://localhost/calc');
  own.on('session', (payload) => typeOf(payload).is<{ user: string }>());

  // presence views typed by the members' meta
  const general = calc.presence<{ name: string }>('general');
  typeOf(general.members).is<Array<PresenceMember<{ name: string }>>>();
  typeOf(general.get('c1')?.meta.name).is<string | undefined>();
  general.onChange((change) => typeOf(change).is<PresenceChange<{ name: string }>>());
  // @ts-expect-error the meta has no such field
  general.members.map((m) => m.meta.age);
  typeOf(calc.presence('general').members[0]?.meta).is<unknown>();

  // declared once in the push map, the meta types presence(room) and the presence listeners
  const chat = connect<CalcEvents, CalcPushes & PresencePushes<{ name: string }>>('ws://localhost/chat');
  typeOf(chat.presence('lobby').members).is<Array<PresenceMember<{ name: string }>>>();
  chat.on('presence-diff', (diff) => typeOf(diff.joins[0]?.meta).is<{ name: string } | undefined>());
  chat.on('shouted', (payload) => typeOf(payload).is<{ text: string }>());
  // an explicit meta still wins
  typeOf(chat.presence<{ id: number }>('lobby').get('x')?.meta.id).is<number | undefined>();
}
