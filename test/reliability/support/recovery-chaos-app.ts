/**
 * The app of reliability 17.2 (session recovery under chaos): one controller on `/chat` where a client
 * joins a room by request and asks its id; the publisher node pushes to rooms and to clients by id.
 */
import {
  ConnectedClient,
  Module,
  OnMessage,
  Payload,
  WebSocketController,
  type WsClient,
} from 'ws-controllers';

@WebSocketController('/chat')
export class ChaosChatController {
  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string): Promise<string[]> {
    await client.join(room);
    return [...client.rooms];
  }

  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient): { id: string; rooms: string[] } {
    return { id: client.id, rooms: [...client.rooms] };
  }
}

@Module({ controllers: [ChaosChatController] })
export class ChaosModule {}
