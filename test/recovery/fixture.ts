/** An app for the session recovery tests: rooms, direct sends, broadcasts, a revocable token, hook counters. */
import { injectable } from 'tsyringe';
import {
  ClientService,
  ConnectedClient,
  Module,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Payload,
  RoomService,
  WebSocketController,
  type WsClient,
} from 'ws-controllers';

@injectable()
export class HookLog {
  readonly connects: Array<{ id: string; resumed: boolean; name: unknown }> = [];
  readonly disconnects: Array<{ id: string; name: unknown }> = [];
  /** Tokens refused at the next handshake (a revoked login). */
  readonly revoked = new Set<string>();
}

@WebSocketController('/chat')
export class RecoveryChatController {
  constructor(
    private readonly rooms: RoomService,
    private readonly clients: ClientService,
    private readonly log: HookLog,
  ) {}

  @OnConnect()
  connect(@ConnectedClient() client: WsClient) {
    const user = client.query.user;
    if (user !== undefined && this.log.revoked.has(user)) return false;
    if (!client.resumed && user !== undefined) client.data.name = user;
    this.log.connects.push({ id: client.id, resumed: client.resumed, name: client.data.name });
    return true;
  }

  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string) {
    await client.join(room);
    return [...client.rooms];
  }

  @OnMessage('say')
  async say(@ConnectedClient() client: WsClient, @Payload() p: { room: string; text: string }) {
    await client.toRoom(p.room, 'said', p.text);
    return 'ok';
  }

  @OnMessage('dm')
  dm(@Payload() p: { to: string; text: string }) {
    return this.clients.send(p.to, 'dm', p.text);
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient) {
    return { id: client.id, rooms: [...client.rooms], data: client.data, query: client.query };
  }

  @OnDisconnect()
  bye(@ConnectedClient() client: WsClient) {
    this.log.disconnects.push({ id: client.id, name: client.data.name });
  }
}

@Module({ controllers: [RecoveryChatController], providers: [HookLog] })
export class RecoveryModule {}
