/** A small app for the observability tests: replies, pushes, room fan-out, async work, and failures. */
import { IsString, Length } from 'class-validator';
import {
  ConnectedClient,
  Module,
  OnConnect,
  OnMessage,
  Payload,
  Query,
  RoomService,
  WebSocketController,
  WsException,
  type WsClient,
} from 'ws-controllers';

export class SayDto {
  @IsString() @Length(1, 64) text!: string;
}

@WebSocketController('/chat/:room')
export class ObservedChatController {
  constructor(private readonly rooms: RoomService) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string) {
    if (token === 'bad') throw new WsException('UNAUTHORIZED', 'bad token', { status: 401 });
    return client.join(client.params.room as string);
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient) {
    return client.id;
  }

  @OnMessage('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }

  @OnMessage('say')
  say(@ConnectedClient() client: WsClient, @Payload() dto: SayDto) {
    this.rooms.to(client.params.room as string).emit('said', { text: dto.text });
    return { ok: true };
  }

  @OnMessage('slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return 'done';
  }

  @OnMessage('boom')
  boom(): never {
    throw new Error('handler exploded');
  }

  @OnMessage('deny')
  deny(): never {
    throw new WsException('FORBIDDEN', 'not you');
  }
}

@WebSocketController('/idle')
export class IdleController {
  @OnMessage('noop')
  noop() {
    return undefined;
  }
}

@Module({ controllers: [ObservedChatController, IdleController] })
export class ObservedModule {}
