/** A small app for the testing kit's own tests: auth at connect, a service to override, DTOs, rooms. */
import { IsString, Length } from 'class-validator';
import { inject, injectable } from 'tsyringe';
import {
  CloseCode,
  CloseReason,
  ConnectedClient,
  Module,
  OnConnect,
  OnDisconnect,
  OnMessage,
  OnRawMessage,
  Payload,
  Query,
  RawMessage,
  RoomService,
  WebSocketController,
  WsException,
  type RawMessageData,
  type WsClient,
} from 'ws-controllers';

export const GREETING = Symbol('GREETING');

@injectable()
export class UserStore {
  userFor(token: string): string | undefined {
    return token === 'good' ? 'alice' : undefined;
  }
}

@injectable()
export class DisconnectLog {
  readonly entries: Array<{ user: unknown; code: number; reason: string }> = [];
}

export class SayDto {
  @IsString() @Length(1, 20) text!: string;
}

@WebSocketController('/kit', { clientRooms: true })
export class KitController {
  constructor(
    private readonly users: UserStore,
    private readonly log: DisconnectLog,
    private readonly rooms: RoomService,
    @inject(GREETING) private readonly greeting: string,
  ) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient, @Query('token') token: string) {
    if (token === 'nope') return false;
    const user = this.users.userFor(token);
    if (!user) throw new WsException('UNAUTHORIZED', 'bad token', { status: 401 });
    client.data.user = user;
    client.emit('welcome', { greeting: this.greeting, user });
    return undefined;
  }

  @OnMessage('say')
  say(@Payload() dto: SayDto, @ConnectedClient() client: WsClient) {
    return { text: dto.text, user: client.data.user };
  }

  @OnMessage('shout')
  async shout(@Payload('room') room: string, @Payload('text') text: string, @ConnectedClient() client: WsClient) {
    await this.rooms.to(room).except(client.id).emit('shout', { text });
  }

  @OnMessage('refuse')
  refuse() {
    throw new WsException('NOPE', 'not today', { details: { why: 'because' } });
  }

  @OnMessage('push-three')
  pushThree(@ConnectedClient() client: WsClient) {
    client.emit('n', 1);
    client.emit('n', 2);
    client.emit('n', 3);
    return 'done';
  }

  @OnMessage('kick')
  kick(@ConnectedClient() client: WsClient) {
    client.close(4001, 'kicked');
  }

  @OnRawMessage()
  raw(@RawMessage() message: RawMessageData, @ConnectedClient() client: WsClient) {
    client.send(message.isBinary ? message.bytes() : `raw:${message.text()}`);
  }

  @OnDisconnect()
  bye(@ConnectedClient() client: WsClient, @CloseCode() code: number, @CloseReason() reason: string) {
    this.log.entries.push({ user: client.data.user, code, reason });
  }
}

@Module({
  controllers: [KitController],
  providers: [UserStore, DisconnectLog, { provide: GREETING, useValue: 'hello' }],
})
export class KitModule {}
