import { IsInt, IsString, Max } from 'class-validator';
import { injectable } from 'tsyringe';
import { ConnectedClient, Module, OnConnect, OnMessage, Param, Payload, WebSocketController, type WsClient } from 'ws-controllers';
import { open, refusal, start } from './harness';

class MoveDto {
  @IsString() piece!: string;
  @IsInt() @Max(7) to!: number;
}

@injectable()
@WebSocketController('/rooms/:roomId')
class RoomController {
  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Param('roomId') roomId: string): void {
    client.emit('entered', roomId);
  }

  @OnMessage('where')
  where(@Param('roomId') roomId: string, @Param() all: Record<string, string>): unknown {
    return { roomId, all };
  }
}

@injectable()
@WebSocketController('/rooms/lobby')
class LobbyController {
  @OnMessage('where')
  where(): string {
    return 'lobby';
  }
}

@injectable()
@WebSocketController('/games/:gameId/players/:player')
class PlayerController {
  @OnMessage('who')
  who(@Param('gameId') gameId: string, @Param('player') player: string): string {
    return `${player}@${gameId}`;
  }
}

@injectable()
@WebSocketController('/game')
class GameController {
  @OnMessage('move')
  move(@Payload() move: MoveDto): unknown {
    return { isDto: move instanceof MoveDto, ...move };
  }

  @OnMessage('move-unchecked')
  moveUnchecked(@Payload({ validate: false }) move: MoveDto): unknown {
    return { isDto: move instanceof MoveDto, move };
  }

  @OnMessage('move-lenient')
  moveLenient(@Payload({ validator: { forbidNonWhitelisted: false } }) move: MoveDto): unknown {
    return move;
  }
}

@Module({ controllers: [RoomController, LobbyController, PlayerController, GameController] })
class ParamsModule {}

describe('route parameters', () => {
  test('a pattern path matches and @Param gives the value in every handler of the connection', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/rooms/42');
    expect((await socket.next('entered')).payload).toBe('42');
    expect((await socket.request('where')).payload).toEqual({ roomId: '42', all: { roomId: '42' } });
  });

  test('an exact path wins over a pattern that also matches', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/rooms/lobby');
    expect((await socket.request('where')).payload).toBe('lobby');
  });

  test('several parameters are decoded', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/games/g%201/players/ada');
    expect((await socket.request('who')).payload).toBe('ada@g 1');
  });

  test('a path no route matches is still 404', async () => {
    const app = await start(ParamsModule);
    expect((await refusal(app, '/rooms')).status).toBe(404);
    expect((await refusal(app, '/rooms/42/extra')).status).toBe(404);
  });
});

describe('validation settings', () => {
  test('a DTO is validated by default and unknown properties are refused', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/game');
    expect((await socket.request('move', { piece: 'k', to: 3 })).payload).toEqual({ isDto: true, piece: 'k', to: 3 });
    expect((await socket.request('move', { piece: 'k', to: 9 })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await socket.request('move', { piece: 'k', to: 3, cheat: true })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('@Payload({ validate: false }) passes the payload through untouched', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/game');
    expect((await socket.request('move-unchecked', { piece: 1, to: 'nowhere' })).payload).toEqual({
      isDto: false,
      move: { piece: 1, to: 'nowhere' },
    });
  });

  test('per-parameter validator options apply to that handler only', async () => {
    const app = await start(ParamsModule);
    const socket = await open(app, '/game');
    // whitelist still strips the unknown property; it is no longer an error.
    expect((await socket.request('move-lenient', { piece: 'q', to: 1, extra: 1 })).payload).toEqual({ piece: 'q', to: 1 });
    expect((await socket.request('move', { piece: 'q', to: 1, extra: 1 })).payload).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('the global validation option applies to every handler', async () => {
    const app = await start(ParamsModule, { validation: { forbidNonWhitelisted: false } });
    const socket = await open(app, '/game');
    expect((await socket.request('move', { piece: 'q', to: 1, extra: 1 })).payload).toEqual({ isDto: true, piece: 'q', to: 1 });
  });
});
