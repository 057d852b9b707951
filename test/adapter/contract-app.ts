/** The controller the shared adapter contract suite drives on every node. */
import { ConnectedClient, Module, OnMessage, Payload, WebSocketController, type WsClient } from 'ws-controllers';

@WebSocketController('/room')
export class RoomContractController {
  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient) {
    return client.id;
  }

  @OnMessage('join')
  async join(@ConnectedClient() client: WsClient, @Payload() room: string) {
    await client.join(room);
    return [...client.rooms];
  }

  @OnMessage('leave')
  async leave(@ConnectedClient() client: WsClient, @Payload() room: string) {
    await client.leave(room);
    return [...client.rooms];
  }

  @OnMessage('to-room')
  async toRoom(@ConnectedClient() client: WsClient, @Payload() p: { room: string; text: string }) {
    await client.toRoom(p.room, 'room-message', p.text);
    return true;
  }

  @OnMessage('broadcast')
  async broadcast(@ConnectedClient() client: WsClient, @Payload() text: string) {
    await client.broadcast('broadcast-message', text);
    return true;
  }

  @OnMessage('send-to')
  sendTo(@ConnectedClient() client: WsClient, @Payload() p: { id: string; text: string }) {
    return client.to(p.id, 'direct-message', p.text);
  }
}

@WebSocketController('/other')
export class OtherPathController {
  @OnMessage('whoami')
  whoami(@ConnectedClient() client: WsClient) {
    return client.id;
  }
}

@Module({ controllers: [RoomContractController, OtherPathController] })
export class ContractModule {}
