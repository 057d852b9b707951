/**
 * The app of reliability 17.2 (session recovery under chaos): one controller on `/chat` where a client
 * joins a room by request (and is tracked in its presence) and asks its id; the publisher node pushes to rooms and to clients by id.
 */
import {
  ConnectedClient,
  Module,
  OnMessage,
  Payload,
  PresenceService,
  WebSocketController,
  type WsClient,
} from 'ws-controllers';

@WebSocketController('/chat')
export class ChaosChatController {
  constructor(private readonly presence: PresenceService) {}

  /** Joins the room and is tracked in its presence (a resume keeps both). */
  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string): Promise<string[]> {
    await this.presence.track(client, room, {});
    return [...client.rooms];
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient): { id: string; rooms: string[] } {
    return { id: client.id, rooms: [...client.rooms] };
  }
}

@Module({ controllers: [ChaosChatController] })
export class ChaosModule {}
